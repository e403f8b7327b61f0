import { describe, expect, it } from 'vitest';
import { HOUR, SimulatorUsageError, type WireItem } from '../../src/simulator/index.ts';
import { decodeSyncItem } from '../../src/wecom/sync-item.ts';
import { customerWhoWrote, startTestSim, type TestSim } from './helpers.ts';

const ev = (item: WireItem | undefined) => (item?.event ?? {}) as Record<string, unknown>;

async function queued(t: TestSim): Promise<string> {
  const id = customerWhoWrote(t);
  await t.post('kf/service_state/trans', { open_kfid: t.kf, external_userid: id, service_state: 2 });
  return id;
}

describe('the driver API plays customers and servicers (§4, §7.1)', () => {
  it('a customer message is origin 3 with the account and customer on the item', async () => {
    const t = await startTestSim();
    const item = t.sim.customerSays({ text: '你好' });
    expect(item).toMatchObject({ origin: 3, open_kfid: t.kf, msgtype: 'text', text: { content: '你好' } });
    expect(item.msgid).toMatch(/^from_msgid_\d{19}$/);
  });

  it('a customer message moves a session from 4 to 0', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect(t.sim.session({ externalUserId: id })).toMatchObject({ state: 0, quota: 5 });
  });

  it('a session the bot holds ends (state 4) 48 h after the customer’s last message', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    t.clock.advance(48 * HOUR - 1);
    expect(t.sim.session({ externalUserId: id }).state).toBe(0);
    t.clock.advance(1);
    expect(t.sim.session({ externalUserId: id }).state).toBe(4);
  });

  it('servicerTakes emits change_type 1 with the new servicer and a msg_code', async () => {
    const t = await startTestSim();
    const id = await queued(t);
    const item = t.sim.servicerTakes({ externalUserId: id, servicerUserId: 'zhangsan' });
    expect(ev(item)).toMatchObject({
      event_type: 'session_status_change',
      change_type: 1,
      new_servicer_userid: 'zhangsan',
    });
    expect(ev(item).old_servicer_userid).toBeUndefined();
    expect(t.sim.session({ externalUserId: id })).toMatchObject({ state: 3, servicerUserId: 'zhangsan' });
  });

  it('servicerTakes refuses a session that is not queued', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect(() => t.sim.servicerTakes({ externalUserId: id })).toThrow(SimulatorUsageError);
  });

  it('servicerTransfers emits change_type 2 with old and new servicer and no code', async () => {
    const t = await startTestSim();
    const id = await queued(t);
    t.sim.servicerTakes({ externalUserId: id, servicerUserId: 'zhangsan' });
    const item = t.sim.servicerTransfers({ externalUserId: id, toServicerUserId: 'lisi' });
    expect(ev(item)).toMatchObject({
      change_type: 2,
      old_servicer_userid: 'zhangsan',
      new_servicer_userid: 'lisi',
    });
    expect(ev(item).msg_code).toBeUndefined();
  });

  it('servicerEnds from a bot-held session picks it up and ends it: change_type 1 then 3', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    const items = t.sim.servicerEnds({ externalUserId: id });
    expect(items.map((i) => ev(i).change_type)).toEqual([1, 3]);
    expect(ev(items[1])).toMatchObject({ old_servicer_userid: 'zhangsan' });
    expect(typeof ev(items[1]).msg_code).toBe('string');
    expect(t.sim.session({ externalUserId: id }).state).toBe(4);
  });

  it('servicerSays into an ended session re-joins it: change_type 4, then an origin 5 message', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    t.sim.servicerEnds({ externalUserId: id, servicerUserId: 'lisi' });
    const [rejoin, message] = t.sim.servicerSays({
      externalUserId: id,
      servicerUserId: 'zhangsan',
      text: '您好，我是张三',
    });
    expect(ev(rejoin)).toMatchObject({
      change_type: 4,
      old_servicer_userid: 'lisi',
      new_servicer_userid: 'zhangsan',
    });
    expect(ev(rejoin).msg_code).toBeUndefined();
    expect(message).toMatchObject({ origin: 5, servicer_userid: 'zhangsan', msgtype: 'text' });
    expect(t.sim.session({ externalUserId: id }).state).toBe(3);
  });

  it('servicerSays into a bot-held session is refused', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect(() => t.sim.servicerSays({ externalUserId: id, text: 'x' })).toThrow(/state/);
  });

  it('setServicerStatus emits servicer_status_change per account with status and stop_type', async () => {
    const t = await startTestSim();
    const items = t.sim.setServicerStatus({ servicerUserId: 'lisi', status: 'suspended' });
    expect(items).toHaveLength(2);
    expect(ev(items[0])).toEqual({
      event_type: 'servicer_status_change',
      servicer_userid: 'lisi',
      status: 2,
      stop_type: 1,
      open_kfid: t.kf,
    });
  });

  it('sendFailure emits msg_send_fail for a message the bot sent', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    const res = await t.post('kf/send_msg', {
      touser: id,
      open_kfid: t.kf,
      msgtype: 'text',
      text: { content: 'hi' },
    });
    const item = t.sim.sendFailure({ msgid: String(res.msgid), failType: 10 });
    expect(ev(item)).toEqual({
      event_type: 'msg_send_fail',
      open_kfid: t.kf,
      external_userid: id,
      fail_msgid: res.msgid,
      fail_type: 10,
    });
  });

  it('sendFailure for a msgid the bot never sent is a usage error', async () => {
    const t = await startTestSim();
    expect(() => t.sim.sendFailure({ msgid: 'nope' })).toThrow(SimulatorUsageError);
  });

  it('customerClicksMenu sends the clicked item’s content with menu_id', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    await t.post('kf/send_msg', {
      touser: id,
      open_kfid: t.kf,
      msgtype: 'msgmenu',
      msgmenu: { list: [{ type: 'click', click: { id: '101', content: '查订单' } }] },
    });
    const item = t.sim.customerClicksMenu({ externalUserId: id, id: '101' });
    expect(item.text).toEqual({ content: '查订单', menu_id: '101' });
  });

  it('a customer image over 2MB reaches sync_msg as a text notice', async () => {
    const t = await startTestSim();
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(2 * 1024 * 1024)]);
    const item = t.sim.customerSends({ msgtype: 'image', media: { bytes: big } });
    expect(item.msgtype).toBe('text');
  });

  it('every kind of item the driver makes decodes to a known kind', async () => {
    const t = await startTestSim();
    const enter = t.sim.customerEnters({ scene: 's1', wechatChannels: { shop_nickname: '小店', scene: 4 } });
    const id = String(ev(enter).external_userid);
    const said = t.sim.customerSays({ externalUserId: id, text: '你好' });
    for (const msgtype of ['image', 'voice', 'video', 'file'])
      t.sim.customerSends({ externalUserId: id, msgtype });
    t.sim.customerSends({
      externalUserId: id,
      msgtype: 'location',
      payload: { latitude: 23.1, longitude: 113.3, name: '广州', address: '海珠区' },
    });
    t.sim.customerSends({
      externalUserId: id,
      msgtype: 'link',
      payload: { title: 'T', desc: 'D', url: 'https://a.b', pic_url: 'https://a.b/c.png' },
    });
    t.sim.customerSends({ externalUserId: id, msgtype: 'business_card', payload: { userid: 'zhangsan' } });
    t.sim.customerSends({
      externalUserId: id,
      msgtype: 'channels',
      payload: { sub_type: 1, nickname: '号', title: '动态' },
    });
    t.sim.customerRecalls({ externalUserId: id, msgid: said.msgid });
    const res = await t.post('kf/send_msg', {
      touser: id,
      open_kfid: t.kf,
      msgtype: 'text',
      text: { content: 'x' },
    });
    t.sim.sendFailure({ msgid: String(res.msgid), failType: 4 });
    await t.post('kf/service_state/trans', { open_kfid: t.kf, external_userid: id, service_state: 2 });
    t.sim.servicerTakes({ externalUserId: id });
    t.sim.servicerTransfers({ externalUserId: id, toServicerUserId: 'lisi' });
    const [, servicerMsg] = t.sim.servicerSays({
      externalUserId: id,
      servicerUserId: 'zhangsan',
      text: '我回来了',
    });
    t.sim.servicerRecalls({ externalUserId: id, msgid: String(servicerMsg?.msgid) });
    t.sim.servicerRejects({ externalUserId: id, reject: true });
    t.sim.servicerEnds({ externalUserId: id });
    t.sim.setServicerStatus({ servicerUserId: 'lisi', status: 'stopped' });
    const kinds = t.sim.items().map((i) => decodeSyncItem(i).kind);
    expect(kinds).not.toContain('unknown');
    expect(new Set(kinds)).toEqual(
      new Set([
        'enter_session',
        'text',
        'image',
        'voice',
        'video',
        'file',
        'location',
        'link',
        'business_card',
        'channels',
        'user_recall_msg',
        'msg_send_fail',
        'session_status_change',
        'servicer_recall_msg',
        'reject_customer_msg_switch_change',
        'servicer_status_change',
      ]),
    );
  });
});
