import { describe, expect, it } from 'vitest';
import { CallbackCodec } from '../../src/wecom/callback-codec.ts';
import { CALLBACK_SECRETS, startReceiver, startTestSim } from './helpers.ts';

async function withReceiver(settings: Record<string, number> = {}) {
  const receiver = await startReceiver();
  const t = await startTestSim({ callback: { url: receiver.url, ...CALLBACK_SECRETS }, settings });
  const codec = new CallbackCodec({ ...CALLBACK_SECRETS, corpId: t.sim.corpId });
  const open = (i: number) => {
    const r = receiver.received[i];
    if (!r) throw new Error(`no request ${i}`);
    return codec.openNotice(Object.fromEntries(r.url.searchParams), r.body);
  };
  return { receiver, t, open };
}

describe('callbacks (§2.1, §2.3)', () => {
  it('a new item is announced by a signed, encrypted POST that decrypts to a kf_msg_or_event notice', async () => {
    const { receiver, t, open } = await withReceiver();
    t.sim.customerSays({ text: 'hi' });
    await t.sim.idle();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.url.pathname).toBe('/wecom/callback');
    expect(open(0)).toMatchObject({
      event: 'kf_msg_or_event',
      toUserName: t.sim.corpId,
      msgType: 'event',
      openKfId: t.kf,
      createTime: Math.floor(t.clock.now() / 1000),
    });
  });

  it('the notice carries a fresh token that sync_msg accepts', async () => {
    const { t, open } = await withReceiver();
    t.sim.customerSays({ text: 'one' });
    t.sim.customerSays({ text: 'two' });
    await t.sim.idle();
    const [a, b] = [open(0), open(1)].map((n) => (n.event === 'kf_msg_or_event' ? n.token : ''));
    expect(a).not.toBe(b);
    const page = await t.post('kf/sync_msg', { open_kfid: t.kf, token: b });
    expect(page.errcode).toBe(0);
    expect(page.msg_list).toHaveLength(2);
  });

  it('a callback answered with 500 is re-sent, 3 retries in total, then given up', async () => {
    const { receiver, t } = await withReceiver();
    receiver.script.push(500, 500, 500, 500);
    t.sim.customerSays({ text: 'hi' });
    await t.sim.idle();
    expect(receiver.received).toHaveLength(4);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    const delivery = t.sim.callbacks.deliveries[0];
    expect(delivery?.state).toBe('failed');
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500]);
  });

  it('re-sending stops at the first 200', async () => {
    const { receiver, t } = await withReceiver();
    receiver.script.push(503);
    t.sim.customerSays({ text: 'hi' });
    await t.sim.idle();
    expect(receiver.received).toHaveLength(2);
    expect(t.sim.callbacks.deliveries[0]?.state).toBe('delivered');
  });

  it('a callback not answered within the timeout counts as failed and is re-sent', async () => {
    const { receiver, t } = await withReceiver({ callbackTimeoutMs: 100 });
    receiver.script.push('hang', 'hang');
    t.sim.customerSays({ text: 'hi' });
    await t.sim.idle();
    expect(receiver.received).toHaveLength(3);
    const attempts = t.sim.callbacks.deliveries[0]?.attempts ?? [];
    expect(attempts.map((a) => a.status)).toEqual([undefined, undefined, 200]);
    expect(attempts[0]?.error).toContain('100 ms');
  });

  it('close() does not wait for a receiver that never answers', async () => {
    const { receiver, t } = await withReceiver();
    receiver.script.push('hang');
    t.sim.customerSays({ text: 'hi' });
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    await t.sim.close();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('paused callbacks wait; flush sends them', async () => {
    const { receiver, t } = await withReceiver();
    t.sim.callbacks.pause();
    t.sim.customerSays({ text: 'held' });
    await t.sim.idle();
    expect(receiver.received).toHaveLength(0);
    await t.sim.callbacks.flush();
    expect(receiver.received).toHaveLength(1);
  });

  it('resume releases held callbacks', async () => {
    const { receiver, t } = await withReceiver();
    t.sim.callbacks.pause();
    t.sim.customerSays({ text: 'held' });
    t.sim.callbacks.resume();
    await t.sim.idle();
    expect(receiver.received).toHaveLength(1);
  });

  it('dropped callbacks are never sent', async () => {
    const { receiver, t } = await withReceiver();
    t.sim.callbacks.pause();
    t.sim.customerSays({ text: 'lost' });
    expect(t.sim.callbacks.drop()).toBe(1);
    await t.sim.callbacks.flush();
    expect(receiver.received).toHaveLength(0);
    expect(t.sim.callbacks.deliveries[0]?.state).toBe('dropped');
  });

  it('without a configured receiver no callback is sent; configure() adds one later', async () => {
    const receiver = await startReceiver();
    const t = await startTestSim();
    t.sim.customerSays({ text: 'unannounced' });
    t.sim.callbacks.configure({ url: receiver.url, ...CALLBACK_SECRETS });
    t.sim.customerSays({ text: 'announced' });
    await t.sim.idle();
    expect(receiver.received).toHaveLength(1);
  });

  it('verifyUrl succeeds when the receiver echoes the decrypted echostr', async () => {
    const { receiver, t } = await withReceiver();
    const codec = new CallbackCodec({ ...CALLBACK_SECRETS, corpId: t.sim.corpId });
    receiver.onGet = (url) => ({ status: 200, body: codec.verifyUrl(Object.fromEntries(url.searchParams)) });
    const result = await t.sim.verifyUrl();
    expect(result).toMatchObject({ ok: true, status: 200 });
    // §2.2: echostr's base64 '+' must arrive %-encoded.
    expect(receiver.received[0]?.url.search).not.toContain('+');
  });

  it('verifyUrl fails when the receiver answers with anything but the exact plaintext', async () => {
    const { receiver, t } = await withReceiver();
    const codec = new CallbackCodec({ ...CALLBACK_SECRETS, corpId: t.sim.corpId });
    receiver.onGet = (url) => ({
      status: 200,
      body: `${codec.verifyUrl(Object.fromEntries(url.searchParams))}\n`,
    });
    const result = await t.sim.verifyUrl();
    expect(result.ok).toBe(false);
    expect(result.reason).toContain('not exactly');
  });
});
