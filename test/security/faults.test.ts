/**
 * WeCom misbehaving, one fault at a time (the simulator's fault injection): whatever happens, no
 * customer message is lost or answered twice, retries stay bounded, and the operator is told in
 * a log line and a metric.
 */
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultSpec, startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { AES_KEY, type InProcessKfbot, startInProcess, TOKEN } from '../support/in-process-kfbot.ts';
import { expectNoSecrets } from '../support/secrets.ts';
import { lastWarnings, until as waitUntil } from '../support/until.ts';

let sim: WeComSimulator;
let bot: InProcessKfbot;

beforeEach(async () => {
  sim = await startSimulator();
  bot = await startInProcess(sim, { config: { apiTimeoutSec: 0.3 } });
});

afterEach(async () => {
  expectNoSecrets(bot.lines, sim, [TOKEN, AES_KEY]);
  await bot.close();
  await sim.close();
});

/** Waits, and on a timeout says what kfbot warned meanwhile. */
const until = (check: () => boolean, what: string, ms?: number) =>
  waitUntil(check, what, ms, () => lastWarnings(bot.lines));

const metrics = async () => await (await request(`${bot.app.url}/metrics`)).body.text();
const logged = (text: string) => bot.lines.some((l) => l.includes(text));
const replies = (customer: string) =>
  sim.sent(sim.openKfId, customer).map((m) => (m.content.text as { content: string }).content);

/** Three customers write while the fault is active; each must get exactly one answer per message. */
async function conversationThrough(fault: FaultSpec | FaultSpec[]): Promise<string[]> {
  for (const f of Array.isArray(fault) ? fault : [fault]) sim.faults.inject(f);
  const customers = [1, 2, 3].map(
    (i) => sim.customerSays({ text: `echo 第${i}位` }).external_userid as string,
  );
  await until(() => customers.every((c) => replies(c).length >= 1), 'every customer answered');
  await new Promise((r) => setTimeout(r, 300));
  await bot.app.work.idle();
  customers.forEach((c, i) => {
    expect(replies(c)).toEqual([`收到：echo 第${i + 1}位`]);
  });
  return customers;
}

describe('transient faults are retried, boundedly, and nothing is lost or doubled', () => {
  it('a burst of -1 (system busy) on send_msg', async () => {
    await conversationThrough({ api: 'kf/send_msg', errcode: -1, times: 3 });
    expect(logged('kf/send_msg failed; retrying')).toBe(true);
    expect(await metrics()).toMatch(/kfbot_sends_total\{api="kf\/send_msg",errcode="0"\} 3/);
  });

  it('a burst of 45033 (concurrency limit) longer than one call’s retries: the API pauses, the work stays', async () => {
    await conversationThrough({ api: 'kf/send_msg', errcode: 45033, times: 6 });
    expect(logged('WeCom refused kf/send_msg (45033, too many concurrent calls)')).toBe(true);
    expect(await metrics()).toContain('kfbot_api_rate_limited_total{api="kf/send_msg",errcode="45033"} 6');
    expect(await metrics()).not.toMatch(/kfbot_sends_total\{api="kf\/send_msg",errcode="45033"\}/);
  });

  it('HTTP 500 and 502 from sync_msg', async () => {
    await conversationThrough([
      { api: 'kf/sync_msg', httpStatus: 500, times: 3 },
      { api: 'kf/sync_msg', httpStatus: 502, times: 3 },
    ]);
    expect(await metrics()).toMatch(/kfbot_pull_errors_total\{reason="WeComHttpError"\} [1-9]/);
  });

  it('send_msg answering slower than the client timeout, after delivering', async () => {
    await conversationThrough({ api: 'kf/send_msg', delayMs: 600, apply: true, times: 2 });
    expect(logged('an earlier attempt was delivered')).toBe(true);
  });

  it('a connection reset in the middle of send_msg, after delivering', async () => {
    await conversationThrough({ api: 'kf/send_msg', resetConnection: true, apply: true, times: 2 });
    expect(logged('an earlier attempt was delivered')).toBe(true);
  });

  it('42001 and 40014 in the middle of a batch', async () => {
    await conversationThrough([
      { api: 'kf/send_msg', errcode: 42001, times: 1 },
      { api: 'kf/sync_msg', errcode: 40014, times: 1 },
    ]);
    expect(logged('access token rejected; fetching a new one')).toBe(true);
    expect(sim.requests.byApi('gettoken').length).toBeGreaterThanOrEqual(2);
  });

  it('95007: the callback token expired, so the pull goes on by cursor alone', async () => {
    await conversationThrough({ api: 'kf/sync_msg', errcode: 95007, times: 1 });
    expect(logged('callback token rejected (95007); pulling by cursor without it')).toBe(true);
    expect(
      sim.requests.byApi('kf/sync_msg').some((r) => (r.body as { token?: string }).token === undefined),
    ).toBe(true);
  });
});

describe('faults that are not transient', () => {
  it('an error on a pull from a stored cursor that is not about the cursor: the cursor is kept, never reset, and the pull retried', async () => {
    const first = sim.customerSays({ text: 'echo 一' }).external_userid as string;
    await until(() => replies(first).length === 1, 'the first answer');
    // The cursor is written after the page's outcomes are recorded, just after the reply lands.
    await bot.app.work.idle();
    const cursor = await bot.app.store.getCursor(sim.openKfId);
    expect(cursor).toBeDefined();
    // 48002 (the app may not call the API, §8): an operator fixes it in the admin console, and
    // then the pull must go on from where it was. (A refused cursor: refused-cursor.test.ts.)
    sim.faults.inject({ api: 'kf/sync_msg', errcode: 48002, times: 4 });
    sim.customerSays({ externalUserId: first, text: 'echo 二' });
    await until(() => replies(first).length === 2, 'the second answer');
    // Every pull after the fault started from the stored cursor: none from an empty one.
    const pulls = sim.requests.byApi('kf/sync_msg').slice(1);
    expect(pulls.every((r) => (r.body as { cursor?: string }).cursor === cursor)).toBe(true);
    expect(replies(first)).toEqual(['收到：echo 一', '收到：echo 二']);
    expect(await metrics()).toContain('kfbot_pull_errors_total{reason="errcode 48002"}');
    expect(logged('sync_msg refused the stored cursor')).toBe(false);
  });

  it.each([
    [95018, 'the session state does not allow sending'],
    [95001, 'send quota used up'],
  ])('a %s refusal is recorded, not retried, and the next message is answered', async (errcode, meaning) => {
    sim.faults.inject({ api: 'kf/send_msg', errcode, times: 1 });
    const customer = sim.customerSays({ text: 'echo 一' }).external_userid as string;
    await until(() => bot.lines.some((l) => l.includes(meaning)), 'the refusal to be logged');
    await bot.app.work.idle();
    expect(sim.requests.byApi('kf/send_msg')).toHaveLength(1);
    sim.customerSays({ externalUserId: customer, text: 'echo 二' });
    await until(() => replies(customer).length === 1, 'the next answer');
    expect(replies(customer)).toEqual(['收到：echo 二']);
    expect(await metrics()).toContain(`kfbot_sends_total{api="kf/send_msg",errcode="${errcode}"} 1`);
  });
});
