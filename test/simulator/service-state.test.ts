import { describe, expect, it } from 'vitest';
import { SERVICER_NOT_RECEIVING_ERRCODE } from '../../src/wecom/platform-choices.ts';
import { customerWhoWrote, startTestSim, type TestSim } from './helpers.ts';

function trans(t: TestSim, id: string, state: number, servicer?: string) {
  return t.post('kf/service_state/trans', {
    open_kfid: t.kf,
    external_userid: id,
    service_state: state,
    ...(servicer !== undefined && { servicer_userid: servicer }),
  });
}

function get(t: TestSim, id: string) {
  return t.post('kf/service_state/get', { open_kfid: t.kf, external_userid: id });
}

describe('kf/service_state/get and /trans (§7.1)', () => {
  it('a customer who never wrote is in state 4', async () => {
    const t = await startTestSim();
    expect(await get(t, 'wmNeverSeen')).toMatchObject({ errcode: 0, service_state: 4 });
  });

  it('get shows servicer_userid only in state 3', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect((await get(t, id)).servicer_userid).toBeUndefined();
    await trans(t, id, 3, 'zhangsan');
    expect(await get(t, id)).toMatchObject({ service_state: 3, servicer_userid: 'zhangsan' });
  });

  it.each([
    [0, 2],
    [0, 3],
    [0, 4],
    [1, 2],
    [1, 3],
    [1, 4],
    [2, 3],
    [3, 3],
    [3, 4],
  ])('trans allows %i → %i', async (from, to) => {
    const t = await startTestSim();
    const id = await sessionIn(t, from);
    const servicer = to === 3 ? (from === 3 ? 'lisi' : 'zhangsan') : undefined;
    expect((await trans(t, id, to, servicer)).errcode).toBe(0);
    expect((await get(t, id)).service_state).toBe(to);
  });

  it.each([
    [0, 0],
    [0, 1],
    [1, 1],
    [2, 2],
    [2, 4],
    [2, 1],
    [3, 1],
    [3, 2],
    [4, 0],
    [4, 1],
    [4, 2],
    [4, 3],
  ])('trans refuses %i → %i with 95016', async (from, to) => {
    const t = await startTestSim();
    const id = await sessionIn(t, from);
    expect((await trans(t, id, to, to === 3 ? 'lisi' : undefined)).errcode).toBe(95016);
  });

  it('a transfer to the servicer who already holds the session gets 95016', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    await trans(t, id, 3, 'zhangsan');
    expect((await trans(t, id, 3, 'zhangsan')).errcode).toBe(95016);
  });

  it('a servicer who stopped reception cannot receive a session: 95014', async () => {
    const t = await startTestSim();
    t.sim.setServicerStatus({ servicerUserId: 'zhangsan', status: 'stopped' });
    const id = customerWhoWrote(t);
    expect((await trans(t, id, 3, 'zhangsan')).errcode).toBe(SERVICER_NOT_RECEIVING_ERRCODE);
    expect(SERVICER_NOT_RECEIVING_ERRCODE).toBe(95014);
  });

  it('an unknown servicer gets 95014', async () => {
    const t = await startTestSim();
    expect((await trans(t, customerWhoWrote(t), 3, 'nobody')).errcode).toBe(95014);
  });

  it('target 3 without servicer_userid gets 40058', async () => {
    const t = await startTestSim();
    expect((await trans(t, customerWhoWrote(t), 3)).errcode).toBe(40058);
  });

  it('the first change into 2 returns a queue msg_code; the move on to 3 returns none', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect(typeof (await trans(t, id, 2)).msg_code).toBe('string');
    const toHuman = await trans(t, id, 3, 'zhangsan');
    expect(toHuman.errcode).toBe(0);
    expect(toHuman.msg_code).toBeUndefined();
  });

  it('the first change into 3 returns a reply msg_code; a transfer returns none', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    expect(typeof (await trans(t, id, 3, 'zhangsan')).msg_code).toBe('string');
    expect((await trans(t, id, 3, 'lisi')).msg_code).toBeUndefined();
  });

  it('ending the session returns a closing msg_code', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    await trans(t, id, 3, 'zhangsan');
    const end = await trans(t, id, 4);
    expect(typeof end.msg_code).toBe('string');
    expect(
      (
        await t.post('kf/send_msg_on_event', {
          code: end.msg_code,
          msgtype: 'text',
          text: { content: '再见' },
        })
      ).errcode,
    ).toBe(0);
  });

  it('a new session gets a code again on its first change into 2', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    await trans(t, id, 2);
    await trans(t, id, 3, 'zhangsan');
    await trans(t, id, 4);
    t.sim.customerSays({ externalUserId: id, text: '又来了' });
    expect(typeof (await trans(t, id, 2)).msg_code).toBe('string');
  });

  it('trans emits no session_status_change event', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    await trans(t, id, 3, 'zhangsan');
    await trans(t, id, 4);
    expect(t.sim.items().filter((i) => i.msgtype === 'event')).toEqual([]);
  });

  it('an unknown open_kfid gets 95000', async () => {
    const t = await startTestSim();
    expect((await t.post('kf/service_state/get', { open_kfid: 'wkNo', external_userid: 'wm' })).errcode).toBe(
      95000,
    );
  });
});

/** A session driven into `state` the way the platform would get there. */
async function sessionIn(t: TestSim, state: number): Promise<string> {
  if (state === 4) return (t.sim.customerEnters().event as { external_userid: string }).external_userid;
  const id = customerWhoWrote(t);
  if (state === 1) {
    await t.post('kf/send_msg', { touser: id, open_kfid: t.kf, msgtype: 'text', text: { content: '您好' } });
  }
  if (state === 2) await trans(t, id, 2);
  if (state === 3) await trans(t, id, 3, 'zhangsan');
  expect((await get(t, id)).service_state).toBe(state);
  return id;
}
