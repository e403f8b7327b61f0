/**
 * §9.14 "optionally check OpenKfId against the accounts you manage": a verified callback naming a
 * 客服 account kf/account/list does not give this app to manage is said once per account, with
 * what to check, and counted in /metrics; the account is pulled all the same (platform-choices.ts)
 * — WeCom answers the pull, and refuses it for an account this app may not read.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.ts';
import { closeAfterEach } from '../support/close-after-each.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { until } from '../support/until.ts';

const closing = closeAfterEach();
const ACCOUNTS = [
  { openKfId: 'wkManagedByThisApp0000000000001', name: '售前咨询' },
  { openKfId: 'wkDelegatedElsewhere0000000001', name: '售后服务', managePrivilege: false },
];

const warningsAbout = (b: InProcessKfbot, openKfId: string) =>
  b.logs().filter((l) => l.level === 40 && l.open_kfid === openKfId);
const metric = async (b: InProcessKfbot) => {
  const text = await (await request(`${b.app.url}/metrics`)).body.text();
  return Number(/^kfbot_unmanaged_account_callbacks_total (\d+)$/m.exec(text)?.[1]);
};

describe('a callback for a 客服 account this app is not given to manage', () => {
  it('is said once with what to check, counted each time, and the customer still answered when WeCom lets the pull through', async () => {
    const s = closing(await startSimulator({ accounts: ACCOUNTS }));
    const b = closing(await startInProcess(s));
    const [managed, elsewhere] = ACCOUNTS.map((a) => a.openKfId) as [string, string];
    const replies = (openKfId: string, customer: string) => s.sent(openKfId, customer).length;

    const ours = s.customerSays({ openKfId: managed, text: 'echo 一' }).external_userid as string;
    await until(() => replies(managed, ours) === 1, 'the answer on the managed account');
    const theirs = s.customerSays({ openKfId: elsewhere, text: 'echo 二' }).external_userid as string;
    await until(() => replies(elsewhere, theirs) === 1, 'the first answer on the other account');
    s.customerSays({ openKfId: elsewhere, externalUserId: theirs, text: 'echo 三' });
    await until(() => replies(elsewhere, theirs) === 2, 'the second answer on the other account');
    await until(async () => (await metric(b)) === 2, 'both callbacks counted');
    await b.app.work.idle();

    const warnings = warningsAbout(b, elsewhere);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toContain(`客服 account ${elsewhere}`);
    expect(String(warnings[0]?.msg)).toContain('manage_privilege false');
    expect(String(warnings[0]?.msg)).toContain('可调用接口的应用');
    expect(warningsAbout(b, managed)).toEqual([]);
    expect(await metric(b)).toBe(2);
    // The list is read once for these callbacks, not once per callback.
    expect(s.requests.byApi('kf/account/list')).toHaveLength(1);
  });

  it('names an account the list does not hold, and leaves its refusal to sync_msg (95000)', async () => {
    const s = closing(await startSimulator({ accounts: ACCOUNTS }));
    const b = closing(await startInProcess(s));
    s.callbacks.notify('wkNotAnAccountOfThisCorp');
    await until(async () => (await metric(b)) === 1, 'the callback counted');
    await until(
      () => b.logs().some((l) => l.level === 50 && l.open_kfid === 'wkNotAnAccountOfThisCorp'),
      'the refused pull',
    );
    await b.app.work.idle();
    expect(String(warningsAbout(b, 'wkNotAnAccountOfThisCorp')[0]?.msg)).toContain(
      'kf/account/list does not list it for this app',
    );
    expect(await metric(b)).toBe(1);
  });
});
