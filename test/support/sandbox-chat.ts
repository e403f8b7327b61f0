/**
 * The sandbox page's chat, driven as a person does it, waiting where the page waits: a new
 * customer is asked of kfbot (a POST) before the page switches to them, so a message typed the
 * moment "New customer" is clicked went to the previous customer.
 */
import type { Page } from 'playwright-core';

/** Clicks New customer and returns once the page shows that customer's (empty) chat. */
export async function newCustomer(page: Page): Promise<string> {
  // The page makes its first customer itself once loaded: let that be done, so the request
  // caught below is this click's.
  await page.locator('.customers button[aria-current="true"]').waitFor();
  const [request] = await Promise.all([
    page.waitForRequest(
      (r) =>
        r.url().endsWith('/sandbox/actions') &&
        (r.postDataJSON() as { type?: string } | null)?.type === 'new-customer',
    ),
    page.getByRole('button', { name: /New customer/ }).click(),
  ]);
  const answer = await request.response();
  if (!answer) throw new Error('the new-customer request got no answer');
  const { externalUserId } = (await answer.json()) as { externalUserId: string };
  await page
    .locator(`.customers button[data-external-userid="${externalUserId}"][aria-current="true"]`)
    .waitFor();
  return externalUserId;
}

/** Types a customer's message and sends it. */
export async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: '发送' }).first().click();
}
