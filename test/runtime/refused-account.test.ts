/**
 * A callback naming an account sync_msg will not read for this corp (95004: another enterprise's,
 * or deleted; 95000: not an open_kfid at all): kfbot says so once, with what to check, drops the
 * notice instead of retrying it for ever, keeps serving the other accounts, and tries the account
 * again at its next callback — on SQLite and on Redis.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { closeAfterEach } from '../support/close-after-each.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

const REDIS_URL = (process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15').replace(/\/\d+$/, '/1');

const closing = closeAfterEach();

async function flushRedis(): Promise<void> {
  const r = redisClient(REDIS_URL);
  await r.connect();
  await r.flushdb();
  await r.quit();
}

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const backends = [
  ['SQLite', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'kfbot-refused-')), 'kfbot.db')}`],
  ['Redis', () => REDIS_URL],
] as const;

describe.each(backends)('a callback for an account this corp does not manage, on %s', (name, storeUrl) => {
  async function start(): Promise<{ s: WeComSimulator; b: InProcessKfbot }> {
    if (name === 'Redis') await flushRedis();
    const s = closing(await startSimulator());
    const b = closing(await startInProcess(s, { config: { store: storeUrl() } }));
    return { s, b };
  }
  const errorsAbout = (b: InProcessKfbot, openKfId: string) =>
    b.logs().filter((l) => l.level === 50 && l.open_kfid === openKfId);
  const metrics = async (b: InProcessKfbot) => (await request(`${b.app.url}/metrics`)).body.text();

  it('95004: one error says what to check, the notice is dropped, the other account is answered, and the next callback is tried again', async () => {
    const { s, b } = await start();
    const [ours, theirs] = s.accounts.map((a) => a.openKfId) as [string, string];
    const replies = (openKfId: string, customer: string) =>
      s.sent(openKfId, customer).map((m) => (m.content.text as { content: string }).content);
    // WeCom answers 95004 for the second account: it was deleted, or belongs to another enterprise.
    s.faults.inject({
      api: 'kf/sync_msg',
      errcode: 95004,
      times: Number.POSITIVE_INFINITY,
      match: (body) => (body as { open_kfid?: string }).open_kfid === theirs,
    });
    const stranded = s.customerSays({ openKfId: theirs, text: 'echo 一' }).external_userid as string;
    const served = s.customerSays({ openKfId: ours, text: 'echo 二' }).external_userid as string;
    await until(() => replies(ours, served).length === 1, 'the answer on the account that works');
    await until(() => errorsAbout(b, theirs).length > 0, 'the error about the refused account');
    await b.app.work.idle();

    const errors = errorsAbout(b, theirs);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]?.msg)).toContain(`sync_msg refused open_kfid ${theirs}`);
    expect(String(errors[0]?.msg)).toContain('errcode 95004 (open_kfid does not exist)');
    expect(String(errors[0]?.msg)).toContain('check the account in the 微信客服 admin console');
    expect(String(errors[0]?.msg)).toContain('WECOM_CORP_ID');
    expect(String(errors[0]?.msg)).toContain('this notice is dropped');
    // Dropped, not owed: nothing waits for a retry, and WeCom was asked once.
    expect(await b.app.work.oldestPendingAt()).toBeUndefined();
    expect(
      s.requests.byApi('kf/sync_msg').filter((r) => (r.body as { open_kfid?: string }).open_kfid === theirs),
    ).toHaveLength(1);
    expect(await metrics(b)).toContain('kfbot_pulls_refused_total{reason="errcode 95004"} 1');
    expect(await metrics(b)).not.toContain('kfbot_pull_errors_total{reason="errcode 95004"}');
    expect(replies(ours, served)).toEqual(['收到：echo 二']);

    // The operator fixes the account; the customer's next message brings a callback that is read.
    s.faults.clear();
    s.customerSays({ openKfId: theirs, externalUserId: stranded, text: 'echo 三' });
    await until(() => replies(theirs, stranded).length === 2, 'the answers once the account works');
    expect(replies(theirs, stranded)).toEqual(['收到：echo 一', '收到：echo 三']);
    expect(errorsAbout(b, theirs)).toHaveLength(1);
  });

  it('95000: a callback naming an open_kfid WeCom does not know is dropped with one error', async () => {
    const { s, b } = await start();
    s.callbacks.notify('wkNotAnAccountOfThisCorp');
    await until(() => errorsAbout(b, 'wkNotAnAccountOfThisCorp').length > 0, 'the error');
    await b.app.work.idle();
    const errors = errorsAbout(b, 'wkNotAnAccountOfThisCorp');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]?.msg)).toContain('errcode 95000 (invalid open_kfid)');
    expect(await b.app.work.oldestPendingAt()).toBeUndefined();
    expect(await metrics(b)).toContain('kfbot_pulls_refused_total{reason="errcode 95000"} 1');
    // The account that works is still served.
    const customer = s.customerSays({ text: 'echo 四' }).external_userid as string;
    await until(() => s.sent(s.openKfId, customer).length === 1, 'the answer on the account that works');
  });
});
