import { describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../src/simulator/index.ts';
import { INVALID_CURSOR_ERRCODE } from '../../src/wecom/platform-choices.ts';
import { CALLBACK_SECRETS, customerWhoWrote, startReceiver, startTestSim, type TestSim } from './helpers.ts';

type Page = {
  errcode: number;
  next_cursor: string;
  has_more: number;
  msg_list: Array<Record<string, unknown>>;
};

async function sync(t: TestSim, body: Record<string, unknown>): Promise<Page> {
  return (await t.post('kf/sync_msg', { open_kfid: t.kf, ...body })) as unknown as Page;
}

describe('kf/sync_msg (§3)', () => {
  it('the first pull without a cursor returns the items in order with has_more 0', async () => {
    const t = await startTestSim();
    const a = t.sim.customerSays({ text: 'one' });
    const b = t.sim.customerSays({ text: 'two', externalUserId: String(a.external_userid) });
    const page = await sync(t, {});
    expect(page.errcode).toBe(0);
    expect(page.has_more).toBe(0);
    expect(page.msg_list.map((m) => m.msgid)).toEqual([a.msgid, b.msgid]);
  });

  it('a pull from next_cursor returns only what came after it', async () => {
    const t = await startTestSim();
    t.sim.customerSays({ text: 'one' });
    const first = await sync(t, {});
    const later = t.sim.customerSays({ text: 'two' });
    const second = await sync(t, { cursor: first.next_cursor });
    expect(second.msg_list.map((m) => m.msgid)).toEqual([later.msgid]);
  });

  it('an empty pull hands back the same cursor', async () => {
    const t = await startTestSim();
    t.sim.customerSays({ text: 'one' });
    const first = await sync(t, {});
    const again = await sync(t, { cursor: first.next_cursor });
    expect(again.msg_list).toEqual([]);
    expect(again.next_cursor).toBe(first.next_cursor);
  });

  it('pages by the page-size cap with has_more 1 until the last page', async () => {
    const t = await startTestSim({ settings: { syncPageSize: 2 } });
    const id = customerWhoWrote(t, 'm1');
    for (const text of ['m2', 'm3', 'm4', 'm5']) t.sim.customerSays({ externalUserId: id, text });
    const seen: unknown[] = [];
    const hasMore: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await sync(t, cursor === undefined ? {} : { cursor });
      seen.push(...page.msg_list.map((m) => (m.text as { content: string }).content));
      hasMore.push(page.has_more);
      cursor = page.next_cursor;
    } while (hasMore.at(-1) === 1);
    expect(seen).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(hasMore).toEqual([1, 1, 0]);
  });

  it('limit caps the page size', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    t.sim.customerSays({ externalUserId: id, text: 'again' });
    const page = await sync(t, { limit: 1 });
    expect(page.msg_list).toHaveLength(1);
    expect(page.has_more).toBe(1);
  });

  it('limit above 1000 is refused with 40058', async () => {
    const t = await startTestSim();
    expect((await sync(t, { limit: 1001 })).errcode).toBe(40058);
  });

  it('items older than 3 days are not returned, and the first pull starts within 3 days', async () => {
    const t = await startTestSim();
    t.sim.customerSays({ text: 'old' });
    t.clock.advance(2 * DAY);
    t.sim.customerSays({ text: 'recent' });
    t.clock.advance(1 * DAY);
    await t.renewToken();
    const page = await sync(t, {});
    expect(page.msg_list.map((m) => (m.text as { content: string }).content)).toEqual(['recent']);
  });

  it('a cursor older than 3 days skips what expired meanwhile', async () => {
    const t = await startTestSim();
    const first = await sync(t, {});
    t.sim.customerSays({ text: 'expired' });
    t.clock.advance(3 * DAY + 1);
    await t.renewToken();
    const page = await sync(t, { cursor: first.next_cursor });
    expect(page.msg_list).toEqual([]);
    expect(page.has_more).toBe(0);
  });

  it('never returns messages the bot sent', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect(
      (await t.post('kf/send_msg', { touser: id, open_kfid: t.kf, msgtype: 'text', text: { content: 'hi' } }))
        .errcode,
    ).toBe(0);
    const page = await sync(t, {});
    expect(page.msg_list).toHaveLength(1);
    expect(page.msg_list[0]?.origin).toBe(3);
  });

  it('only returns the requested account’s items', async () => {
    const t = await startTestSim();
    const other = t.sim.accounts[1]?.openKfId ?? '';
    t.sim.customerSays({ openKfId: other, text: 'to the other account' });
    expect((await sync(t, {})).msg_list).toEqual([]);
    expect((await t.post('kf/sync_msg', { open_kfid: other })).msg_list).toHaveLength(1);
  });

  it('open_kfid is required', async () => {
    const t = await startTestSim();
    expect((await t.post('kf/sync_msg', {})).errcode).toBe(40058);
  });

  it('an unknown open_kfid gets 95000', async () => {
    const t = await startTestSim();
    expect((await t.post('kf/sync_msg', { open_kfid: 'wkUnknown' })).errcode).toBe(95000);
  });

  it('a made-up cursor is refused with the invalid-cursor errcode', async () => {
    const t = await startTestSim();
    expect((await sync(t, { cursor: 'notACursor' })).errcode).toBe(INVALID_CURSOR_ERRCODE);
  });

  it('a cursor of another account is refused with the invalid-cursor errcode', async () => {
    const t = await startTestSim();
    const other = t.sim.accounts[1]?.openKfId ?? '';
    const page = (await t.post('kf/sync_msg', { open_kfid: other })) as unknown as Page;
    expect((await sync(t, { cursor: page.next_cursor })).errcode).toBe(INVALID_CURSOR_ERRCODE);
  });

  it('a made-up token gets 95007', async () => {
    const t = await startTestSim();
    expect((await sync(t, { token: 'ENCmadeup' })).errcode).toBe(95007);
  });

  it('a callback token works for 10 minutes, for its own account only', async () => {
    const receiver = await startReceiver();
    const t = await startTestSim({ callback: { url: receiver.url, ...CALLBACK_SECRETS } });
    t.sim.customerSays({ text: 'hi' });
    await t.sim.idle();
    const token = t.sim.callbacks.deliveries[0]?.token;
    expect(token).toBeDefined();
    expect((await sync(t, { token })).errcode).toBe(0);
    const other = t.sim.accounts[1]?.openKfId ?? '';
    expect((await t.post('kf/sync_msg', { open_kfid: other, token })).errcode).toBe(95007);
    t.clock.advance(10 * MINUTE);
    expect((await sync(t, { token })).errcode).toBe(95007);
  });

  it('pulls without a token are limited per minute with 45009', async () => {
    const t = await startTestSim({ settings: { syncWithoutTokenPerMinute: 3 } });
    for (let i = 0; i < 3; i++) expect((await sync(t, {})).errcode).toBe(0);
    expect((await sync(t, {})).errcode).toBe(45009);
    t.clock.advance(MINUTE);
    expect((await sync(t, {})).errcode).toBe(0);
  });

  it('the emptyPage fault answers has_more 1 with an empty list and an unmoved cursor', async () => {
    const t = await startTestSim();
    t.sim.customerSays({ text: 'waiting' });
    t.sim.faults.inject({ api: 'kf/sync_msg', emptyPage: true });
    const empty = await sync(t, {});
    expect(empty).toMatchObject({ errcode: 0, has_more: 1, msg_list: [] });
    const next = await sync(t, { cursor: empty.next_cursor });
    expect(next.msg_list).toHaveLength(1);
  });
});
