import { describe, expect, it } from 'vitest';
import { HOUR, SECOND, type WireItem } from '../../src/simulator/index.ts';
import {
  DUPLICATE_MSGID_ERRCODE,
  EVENT_CODE_MSGTYPE_NOT_ALLOWED_ERRCODE,
  EVENT_CODE_WRONG_STATE_ERRCODE,
  INVALID_EVENT_CODE_ERRCODE,
} from '../../src/wecom/platform-choices.ts';
import { customerWhoWrote, startTestSim, type TestSim } from './helpers.ts';

type Ev = Record<string, string | number | undefined>;
const ev = (item: WireItem | undefined) => (item?.event ?? {}) as Ev;

function sendOnEvent(t: TestSim, code: unknown, extra: Record<string, unknown> = {}) {
  return t.post('kf/send_msg_on_event', { code, msgtype: 'text', text: { content: '欢迎咨询' }, ...extra });
}

const MENU = {
  msgtype: 'msgmenu',
  msgmenu: { head_content: '请选择', list: [{ type: 'click', click: { id: '101', content: '查订单' } }] },
};

describe('welcome_code (§4.3, §6)', () => {
  it('enter_session carries a welcome_code for a new customer, and the session stays 4', async () => {
    const t = await startTestSim();
    const item = t.sim.customerEnters({ scene: 'ad_2024', sceneParam: 'from=banner' });
    expect(item).toMatchObject({ origin: 4, msgtype: 'event' });
    expect(item.open_kfid).toBeUndefined();
    expect(ev(item)).toMatchObject({
      event_type: 'enter_session',
      open_kfid: t.kf,
      scene: 'ad_2024',
      scene_param: 'from=banner',
    });
    expect(typeof ev(item).welcome_code).toBe('string');
    expect(t.sim.session({ externalUserId: String(ev(item).external_userid) }).state).toBe(4);
  });

  it('a welcome_code sends one text or menu, and the state stays 4', async () => {
    const t = await startTestSim();
    const e = ev(t.sim.customerEnters());
    const res = await sendOnEvent(t, e.welcome_code, MENU);
    expect(res.errcode).toBe(0);
    expect(t.sim.sent()[0]).toMatchObject({
      api: 'kf/send_msg_on_event',
      codeKind: 'welcome',
      msgtype: 'msgmenu',
    });
    expect(t.sim.session({ externalUserId: String(e.external_userid) }).state).toBe(4);
  });

  it('a welcome_code works only once', async () => {
    const t = await startTestSim();
    const code = ev(t.sim.customerEnters()).welcome_code;
    expect((await sendOnEvent(t, code)).errcode).toBe(0);
    expect((await sendOnEvent(t, code)).errcode).toBe(INVALID_EVENT_CODE_ERRCODE);
  });

  it('a welcome_code expires after 20 s', async () => {
    const t = await startTestSim();
    const code = ev(t.sim.customerEnters()).welcome_code;
    t.clock.advance(20 * SECOND);
    expect((await sendOnEvent(t, code)).errcode).toBe(INVALID_EVENT_CODE_ERRCODE);
  });

  it('a welcome_code is still good at 19.9 s', async () => {
    const t = await startTestSim();
    const code = ev(t.sim.customerEnters()).welcome_code;
    t.clock.advance(19_900);
    expect((await sendOnEvent(t, code)).errcode).toBe(0);
  });

  it('an unknown code is refused', async () => {
    const t = await startTestSim();
    expect((await sendOnEvent(t, 'made-up')).errcode).toBe(INVALID_EVENT_CODE_ERRCODE);
  });

  it('no welcome_code within 48 h of a welcome the customer received', async () => {
    const t = await startTestSim();
    const first = ev(t.sim.customerEnters());
    await sendOnEvent(t, first.welcome_code);
    t.clock.advance(47 * HOUR);
    const id = String(first.external_userid);
    expect(ev(t.sim.customerEnters({ externalUserId: id })).welcome_code).toBeUndefined();
    t.clock.advance(1 * HOUR);
    expect(ev(t.sim.customerEnters({ externalUserId: id })).welcome_code).toBeDefined();
  });

  it('no welcome_code within 48 h of the customer’s own message', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect(ev(t.sim.customerEnters({ externalUserId: id })).welcome_code).toBeUndefined();
    t.clock.advance(48 * HOUR);
    expect(ev(t.sim.customerEnters({ externalUserId: id })).welcome_code).toBeDefined();
  });

  it('an unused welcome_code does not block the next one', async () => {
    const t = await startTestSim();
    const id = String(ev(t.sim.customerEnters()).external_userid);
    expect(ev(t.sim.customerEnters({ externalUserId: id })).welcome_code).toBeDefined();
  });
});

describe('msg_code rules (§6)', () => {
  it('a closing code from a servicer ending the session sends a menu within 20 s', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    await t.post('kf/service_state/trans', {
      open_kfid: t.kf,
      external_userid: id,
      service_state: 3,
      servicer_userid: 'zhangsan',
    });
    const [end] = t.sim.servicerEnds({ externalUserId: id });
    expect(ev(end)).toMatchObject({ change_type: 3, old_servicer_userid: 'zhangsan' });
    expect((await sendOnEvent(t, ev(end).msg_code, MENU)).errcode).toBe(0);
  });

  it('a closing code expires after 20 s', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    const [end] = t.sim.servicerEnds({ externalUserId: id }).slice(-1);
    t.clock.advance(20 * SECOND);
    expect((await sendOnEvent(t, ev(end).msg_code)).errcode).toBe(INVALID_EVENT_CODE_ERRCODE);
  });

  it('a closing code is refused once the customer wrote again (the session left state 4)', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    const [end] = t.sim.servicerEnds({ externalUserId: id }).slice(-1);
    t.sim.customerSays({ externalUserId: id, text: '等等' });
    expect((await sendOnEvent(t, ev(end).msg_code)).errcode).toBe(EVENT_CODE_WRONG_STATE_ERRCODE);
  });

  it('a reply code from a servicer taking the queued session sends text only', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    await t.post('kf/service_state/trans', { open_kfid: t.kf, external_userid: id, service_state: 2 });
    const take = t.sim.servicerTakes({ externalUserId: id, servicerUserId: 'lisi' });
    expect(ev(take)).toMatchObject({ change_type: 1, new_servicer_userid: 'lisi' });
    const code = ev(take).msg_code;
    expect((await sendOnEvent(t, code, MENU)).errcode).toBe(EVENT_CODE_MSGTYPE_NOT_ALLOWED_ERRCODE);
    expect((await sendOnEvent(t, code)).errcode).toBe(0);
  });

  it('a reply code lives 48 h while the servicer keeps the session, through a transfer', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    await t.post('kf/service_state/trans', { open_kfid: t.kf, external_userid: id, service_state: 2 });
    const code = ev(t.sim.servicerTakes({ externalUserId: id })).msg_code;
    t.sim.servicerTransfers({ externalUserId: id, toServicerUserId: 'lisi' });
    t.clock.advance(47 * HOUR);
    await t.renewToken();
    expect((await sendOnEvent(t, code)).errcode).toBe(0);
  });

  it('a queue code from trans works only while the session is queued', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    const trans = await t.post('kf/service_state/trans', {
      open_kfid: t.kf,
      external_userid: id,
      service_state: 2,
    });
    t.sim.servicerTakes({ externalUserId: id });
    expect((await sendOnEvent(t, trans.msg_code)).errcode).toBe(EVENT_CODE_WRONG_STATE_ERRCODE);
  });

  it('a refused code is not used up', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    const trans = await t.post('kf/service_state/trans', {
      open_kfid: t.kf,
      external_userid: id,
      service_state: 2,
    });
    expect((await sendOnEvent(t, trans.msg_code, MENU)).errcode).toBe(EVENT_CODE_MSGTYPE_NOT_ALLOWED_ERRCODE);
    expect((await sendOnEvent(t, trans.msg_code)).errcode).toBe(0);
  });

  it('a client msgid already used in the account is refused on send_msg_on_event too', async () => {
    const t = await startTestSim();
    const a = ev(t.sim.customerEnters()).welcome_code;
    const b = ev(t.sim.customerEnters()).welcome_code;
    expect((await sendOnEvent(t, a, { msgid: 'welcome-1' })).errcode).toBe(0);
    expect((await sendOnEvent(t, b, { msgid: 'welcome-1' })).errcode).toBe(DUPLICATE_MSGID_ERRCODE);
  });

  it('msgtypes other than text and msgmenu get 40008', async () => {
    const t = await startTestSim();
    const code = ev(t.sim.customerEnters()).welcome_code;
    const res = await t.post('kf/send_msg_on_event', { code, msgtype: 'image', image: { media_id: 'x' } });
    expect(res.errcode).toBe(40008);
  });
});
