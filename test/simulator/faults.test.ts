import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { DUPLICATE_MSGID_ERRCODE } from '../../src/wecom/platform-choices.ts';
import { customerWhoWrote, rawPost, startTestSim, type TestSim } from './helpers.ts';

function send(t: TestSim, touser: string, msgid?: string) {
  return t.post('kf/send_msg', {
    touser,
    open_kfid: t.kf,
    msgtype: 'text',
    text: { content: '您好' },
    ...(msgid !== undefined && { msgid }),
  });
}

describe('fault injection', () => {
  it('an errcode fault answers once with that errcode, then the API works again', async () => {
    const t = await startTestSim();
    t.sim.faults.inject({ api: 'kf/account/list', errcode: -1 });
    expect((await t.post('kf/account/list', {})).errcode).toBe(-1);
    expect((await t.post('kf/account/list', {})).errcode).toBe(0);
  });

  it('times makes a fault hit several requests', async () => {
    const t = await startTestSim();
    t.sim.faults.inject({ api: 'kf/account/list', errcode: 45033, times: 2 });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await t.post('kf/account/list', {})).errcode);
    expect(codes).toEqual([45033, 45033, 0]);
  });

  it('faults are consumed in the order they were injected', async () => {
    const t = await startTestSim();
    t.sim.faults.inject({ api: '*', errcode: -1 });
    t.sim.faults.inject({ api: '*', errcode: 45033 });
    expect((await t.post('kf/account/list', {})).errcode).toBe(-1);
    expect((await t.post('kf/account/list', {})).errcode).toBe(45033);
  });

  it('a fault for one API leaves the others alone', async () => {
    const t = await startTestSim();
    t.sim.faults.inject({ api: 'kf/sync_msg', errcode: -1 });
    expect((await t.post('kf/account/list', {})).errcode).toBe(0);
    expect(t.sim.faults.pending).toHaveLength(1);
  });

  it('match picks which requests a fault hits', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    t.sim.faults.inject({
      api: 'kf/send_msg',
      errcode: -1,
      match: (body) => (body as { msgid?: string }).msgid === 'b',
    });
    expect((await send(t, id, 'a')).errcode).toBe(0);
    expect((await send(t, id, 'b')).errcode).toBe(-1);
  });

  it('an httpStatus fault answers with that status', async () => {
    const t = await startTestSim();
    t.sim.faults.inject({ api: 'kf/account/list', httpStatus: 502 });
    const res = await rawPost(`${t.sim.url}/cgi-bin/kf/account/list?access_token=${t.token}`, '{}');
    expect(res.status).toBe(502);
  });

  it('a resetConnection fault drops the connection', async () => {
    const t = await startTestSim();
    t.sim.faults.inject({ api: 'kf/account/list', resetConnection: true });
    await expect(
      rawPost(`${t.sim.url}/cgi-bin/kf/account/list?access_token=${t.token}`, '{}'),
    ).rejects.toThrow();
    expect(t.sim.requests.last('kf/account/list')?.status).toBe(0);
  });

  it('a delay fault holds the answer long enough for a client timeout', async () => {
    const t = await startTestSim();
    t.sim.faults.inject({ api: 'kf/account/list', delayMs: 300 });
    const attempt = request(`${t.sim.url}/cgi-bin/kf/account/list?access_token=${t.token}`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(50),
    });
    await expect(attempt).rejects.toThrow();
  });

  it('apply delivers the send but loses the answer; the retry then meets the duplicate msgid', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    t.sim.faults.inject({ api: 'kf/send_msg', apply: true, httpStatus: 504 });
    const lost = await rawPost(
      `${t.sim.url}/cgi-bin/kf/send_msg?access_token=${t.token}`,
      JSON.stringify({
        touser: id,
        open_kfid: t.kf,
        msgid: 'once',
        msgtype: 'text',
        text: { content: '您好' },
      }),
    );
    expect(lost.status).toBe(504);
    expect(t.sim.sent(t.kf, id)).toHaveLength(1);
    expect((await send(t, id, 'once')).errcode).toBe(DUPLICATE_MSGID_ERRCODE);
  });

  it('apply with only a delay performs the send at once and answers late', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    t.sim.faults.inject({ api: 'kf/send_msg', apply: true, delayMs: 300 });
    const attempt = request(`${t.sim.url}/cgi-bin/kf/send_msg?access_token=${t.token}`, {
      method: 'POST',
      body: JSON.stringify({ touser: id, open_kfid: t.kf, msgtype: 'text', text: { content: '在的' } }),
      signal: AbortSignal.timeout(50),
    });
    await expect(attempt).rejects.toThrow();
    expect(t.sim.sent(t.kf, id)).toHaveLength(1);
  });

  it('apply with resetConnection performs the trans before dropping the connection', async () => {
    const t = await startTestSim();
    const id = customerWhoWrote(t);
    t.sim.faults.inject({ api: 'kf/service_state/trans', apply: true, resetConnection: true });
    const body = JSON.stringify({ open_kfid: t.kf, external_userid: id, service_state: 2 });
    await expect(
      rawPost(`${t.sim.url}/cgi-bin/kf/service_state/trans?access_token=${t.token}`, body),
    ).rejects.toThrow();
    expect(t.sim.session({ externalUserId: id }).state).toBe(2);
  });

  it('clear removes pending faults', async () => {
    const t = await startTestSim();
    t.sim.faults.inject({ api: '*', errcode: -1, times: Number.POSITIVE_INFINITY });
    t.sim.faults.clear();
    expect((await t.post('kf/account/list', {})).errcode).toBe(0);
  });

  it('a fault without any effect is refused', async () => {
    const t = await startTestSim();
    expect(() => t.sim.faults.inject({ api: '*' })).toThrow(/needs/);
  });
});
