import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { customerWhoWrote, startTestSim } from './helpers.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

describe('frequency limits (§3: per API per minute and per hour; 45009 blocks for the window)', () => {
  it('the call past the per-minute limit gets 45009, and the API stays blocked for a minute', async () => {
    const t = await startTestSim({ settings: { rateLimits: [{ max: 3, windowMs: MINUTE }] } });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await t.post('kf/account/list', {})).errcode);
    expect(codes).toEqual([0, 0, 0, 45009]);
    t.clock.advance(MINUTE - 1);
    // The window's first calls have aged out, but the block lasts the window's length.
    expect((await t.post('kf/account/list', {})).errcode).toBe(45009);
    t.clock.advance(1);
    expect((await t.post('kf/account/list', {})).errcode).toBe(0);
  });

  it('limits are per API: a blocked API leaves the others working', async () => {
    const t = await startTestSim({ settings: { rateLimits: [{ max: 1, windowMs: MINUTE }] } });
    expect((await t.post('kf/account/list', {})).errcode).toBe(0);
    expect((await t.post('kf/account/list', {})).errcode).toBe(45009);
    expect((await t.post('kf/sync_msg', { open_kfid: t.kf, token: 'x' })).errcode).not.toBe(45009);
    expect(t.sim.limits.refused.get('kf/account/list')).toEqual({ 45009: 1, 45033: 0 });
  });

  it('past the hourly limit the API is blocked for an hour', async () => {
    const t = await startTestSim({
      settings: {
        rateLimits: [
          { max: 100, windowMs: MINUTE },
          { max: 4, windowMs: HOUR },
        ],
      },
    });
    for (let i = 0; i < 4; i++) {
      expect((await t.post('kf/account/list', {})).errcode).toBe(0);
      t.clock.advance(2 * MINUTE);
    }
    expect((await t.post('kf/account/list', {})).errcode).toBe(45009);
    t.clock.advance(HOUR - 1);
    expect((await t.post('kf/account/list', {})).errcode).toBe(45009);
    t.clock.advance(1);
    expect((await t.post('kf/account/list', {})).errcode).toBe(0);
  });

  it('a send answered 45009 was not performed: the customer receives nothing', async () => {
    const t = await startTestSim({ settings: { rateLimits: [{ max: 1, windowMs: MINUTE }] } });
    const id = customerWhoWrote(t);
    const send = (msgid: string) =>
      t.post('kf/send_msg', {
        touser: id,
        open_kfid: t.kf,
        msgid,
        msgtype: 'text',
        text: { content: msgid },
      });
    expect((await send('one')).errcode).toBe(0);
    expect((await send('two')).errcode).toBe(45009);
    expect(t.sim.sent(t.kf, id).map((m) => m.msgid)).toEqual(['one']);
    // Refused calls do not count: after the block the next call goes through.
    t.clock.advance(MINUTE);
    expect((await send('two')).errcode).toBe(0);
  });
});

describe('concurrency cap (§8 45033)', () => {
  it('a call arriving while the cap is in flight gets 45033; once they finish calls pass again', async () => {
    const t = await startTestSim({ settings: { maxConcurrentCalls: 2 } });
    // Two calls held in flight after they took effect.
    t.sim.faults.inject({ api: 'kf/account/list', delayMs: 1500, apply: true, times: 2 });
    const held = [t.post('kf/account/list', {}), t.post('kf/account/list', {})];
    while (t.sim.limits.inFlight('kf/account/list') < 2) await new Promise((r) => setTimeout(r, 5));
    expect((await t.post('kf/account/list', {})).errcode).toBe(45033);
    expect((await t.post('kf/send_msg', {})).errcode).not.toBe(45033); // another API is not capped
    expect((await Promise.all(held)).map((r) => r.errcode)).toEqual([0, 0]);
    expect((await t.post('kf/account/list', {})).errcode).toBe(0);
  });
});

describe('latency', () => {
  it('every call takes at least its round trip', async () => {
    const t = await startTestSim({ settings: { latencyMs: 80, latencyJitterMs: 20 } });
    await t.post('kf/account/list', {});
    expect(t.sim.requests.last('kf/account/list')?.durationMs).toBeGreaterThanOrEqual(58);
  });

  it('kfbot wecom-simulator refuses a malformed --rate-limit and says the form', async () => {
    const r = await runCli(['wecom-simulator', '--port', '0', '--rate-limit', '100 per minute']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CALLS/WINDOW');
  });
});
