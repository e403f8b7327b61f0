/**
 * Debian's Chromium through playwright-core, started the one way every browser test (and the
 * console bench) starts it: the binary from CHROMIUM_PATH or /usr/bin/chromium, a line saying how
 * to get it when it is missing, and flags that need no GPU or user namespace (containers, CI) and
 * keep it from calling home during a test.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), or set CHROMIUM_PATH`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Holds the page's requests to `url` until release(): to look at what the page shows while it
 * waits for an answer (a busy button, a 处理中 line) without racing the server.
 */
export async function holdRequests(page: Page, url: string): Promise<{ release(): void }> {
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  await page.route(url, async (route) => {
    await held;
    await route.continue();
  });
  return { release };
}
