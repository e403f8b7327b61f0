/**
 * A stored cursor WeCom refuses (a store moved to another enterprise, restored from elsewhere, or
 * kept across sandbox restarts): kfbot says so once, reads the account again from the start of
 * WeCom's history, answers what it never saw, and answers nothing twice — on SQLite and on Redis.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { ManualClock, startSimulator } from '../../src/simulator/index.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { INVALID_CURSOR_ERRCODE } from '../../src/wecom/platform-choices.ts';
import { closeAfterEach } from '../support/close-after-each.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { lastWarnings, until as waitUntil } from '../support/until.ts';

/** A database of its own (sign-out-replicas has 6, which this file flushed too; rules-command has 4), flushed before each test. */
const REDIS_URL = (process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15').replace(/\/\d+$/, '/2');
const WARNING = 'sync_msg refused the stored cursor';

const closing = closeAfterEach();
/** The kfbot running now, whose warnings a timed-out wait reports. */
let bot: InProcessKfbot | undefined;

async function flushRedis(): Promise<void> {
  const r = redisClient(REDIS_URL);
  await r.connect();
  await r.flushdb();
  await r.quit();
}

/** Waits, and on a timeout says what kfbot warned meanwhile. */
const until = (check: () => boolean, what: string, ms?: number) =>
  waitUntil(check, what, ms, () => lastWarnings(bot?.lines));

const backends = [
  ['SQLite', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'kfbot-cursor-')), 'kfbot.db')}`],
  ['Redis', () => REDIS_URL],
] as const;

describe.each(backends)('a stored cursor WeCom refuses, on %s', (name, storeUrl) => {
  it('is said once, the account is read again from the start, and every customer gets each answer once', async () => {
    if (name === 'Redis') await flushRedis();
    const s = closing(await startSimulator());
    const store = storeUrl();
    const first = closing(await startInProcess(s, { config: { store } }));
    bot = first;
    const replies = (customer: string) =>
      s.sent(s.openKfId, customer).map((m) => (m.content.text as { content: string }).content);
    const a = s.customerSays({ text: 'echo 一' }).external_userid as string;
    const c = s.customerSays({ text: 'echo 二' }).external_userid as string;
    await until(() => replies(a).length === 1 && replies(c).length === 1, 'the first answers');
    await first.app.work.idle();
    await first.close();

    // kfbot starts again on a store that holds a cursor this WeCom never issued.
    const b = closing(await startInProcess(s, { config: { store } }));
    bot = b;
    await b.app.work.idle();
    await b.app.store.setCursor(s.openKfId, 'CursorOfAnotherWeCom1');
    const pullsBefore = s.requests.byApi('kf/sync_msg').length;
    s.customerSays({ externalUserId: a, text: 'echo 三' });
    await until(() => replies(a).length === 2, 'the answer after the refused cursor');
    await b.app.work.idle();

    const pulls = s.requests.byApi('kf/sync_msg').slice(pullsBefore);
    expect(pulls[0]?.body).toMatchObject({ cursor: 'CursorOfAnotherWeCom1' });
    expect(pulls[0]?.response).toMatchObject({ errcode: INVALID_CURSOR_ERRCODE });
    expect(pulls[1]?.body).toBeDefined();
    expect(pulls[1]?.body).not.toHaveProperty('cursor');
    // The replay met the messages already answered: none is answered again.
    expect(replies(a)).toEqual(['收到：echo 一', '收到：echo 三']);
    expect(replies(c)).toEqual(['收到：echo 二']);
    const warnings = b.logs().filter((l) => String(l.msg).includes(WARNING));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, open_kfid: s.openKfId, errcode: INVALID_CURSOR_ERRCODE });
    // The refused cursor was replaced by one this WeCom issued: the next message needs no recovery.
    const stored = await b.app.store.getCursor(s.openKfId);
    expect(stored).not.toBe('CursorOfAnotherWeCom1');
    expect(s.world.cursors.resolve(stored ?? '')).toMatchObject({ openKfId: s.openKfId });
    s.customerSays({ externalUserId: c, text: 'echo 四' });
    await until(() => replies(c).length === 2, 'the next answer');
    await b.app.work.idle();
    expect(replies(c)).toEqual(['收到：echo 二', '收到：echo 四']);
    expect(b.logs().filter((l) => String(l.msg).includes(WARNING))).toHaveLength(1);
    expect(s.requests.byApi('kf/send_msg')).toHaveLength(4);
    const metrics = await (await request(`${b.app.url}/metrics`)).body.text();
    expect(metrics).toContain('kfbot_cursor_resets_total 1');
  });

  it('answers what it missed lately, but not what it missed long ago (as on a first start)', async () => {
    if (name === 'Redis') await flushRedis();
    const clock = new ManualClock(Date.now());
    const s = closing(await startSimulator({ clock }));
    const store = storeUrl();
    const first = closing(await startInProcess(s, { config: { store } }));
    bot = first;
    const replies = (customer: string) =>
      s.sent(s.openKfId, customer).map((m) => (m.content.text as { content: string }).content);
    const a = s.customerSays({ text: 'echo 一' }).external_userid as string;
    await until(() => replies(a).length === 1, 'the first answer');
    await first.app.work.idle();
    await first.close();

    // While kfbot is down: one message half an hour before it is back, one a minute before.
    clock.set(Date.now() - 30 * 60_000);
    s.customerSays({ externalUserId: a, text: 'echo 半小时前' });
    clock.set(Date.now() - 60_000);
    s.customerSays({ externalUserId: a, text: 'echo 一分钟前' });
    clock.set(Date.now());
    const b = closing(await startInProcess(s, { config: { store } }));
    bot = b;
    await b.app.store.setCursor(s.openKfId, 'CursorOfAnotherWeCom1');
    s.customerSays({ externalUserId: a, text: 'echo 现在' });
    await until(() => replies(a).length === 3, 'the answers after the refused cursor');
    await b.app.work.idle();
    expect(replies(a)).toEqual(['收到：echo 一', '收到：echo 一分钟前', '收到：echo 现在']);
    expect(b.logs().some((l) => String(l.note).startsWith('history read without a cursor'))).toBe(true);
  });
});
