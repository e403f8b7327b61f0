import { describe, expect, it } from 'vitest';
import { SANDBOX_REQUEST_LOG_LIMIT } from '../../src/sandbox/start-sandbox.ts';
import { REDACTED, type RequestRecord } from '../../src/simulator/index.ts';
import { startTestSim } from './helpers.ts';

describe('request recording', () => {
  it('records method, path, api, body, status and response of each request', async () => {
    const t = await startTestSim();
    await t.post('kf/account/list', { offset: 0, limit: 1 });
    const r = t.sim.requests.last('kf/account/list');
    expect(r).toMatchObject({
      method: 'POST',
      path: '/cgi-bin/kf/account/list',
      api: 'kf/account/list',
      body: { offset: 0, limit: 1 },
      outcome: 'answered',
      status: 200,
      response: { errcode: 0, errmsg: 'ok' },
      at: t.clock.now(),
    });
  });

  it('keeps only the newest records when given a limit (the sandbox runs for days)', async () => {
    const t = await startTestSim({ requestLogLimit: 5 });
    for (let offset = 0; offset < 8; offset++) await t.post('kf/account/list', { offset, limit: 1 });
    const kept = t.sim.requests.all;
    expect(kept).toHaveLength(5);
    // gettoken and the first four list calls are gone; the newest five stay, in order.
    expect(kept.map((r) => (r.body as { offset: number }).offset)).toEqual([3, 4, 5, 6, 7]);
    expect(SANDBOX_REQUEST_LOG_LIMIT).toBeLessThanOrEqual(5000);
  });

  it('the access_token in the query is redacted', async () => {
    const t = await startTestSim();
    await t.post('kf/account/list', {});
    expect(t.sim.requests.last('kf/account/list')?.query).toEqual({ access_token: REDACTED });
    expect(JSON.stringify(t.sim.requests.all)).not.toContain(t.token);
  });

  it('gettoken’s corpsecret and the returned access_token are redacted', async () => {
    const t = await startTestSim();
    const r = t.sim.requests.last('gettoken');
    expect(r?.query).toEqual({ corpid: t.sim.corpId, corpsecret: REDACTED });
    expect(r?.response).toMatchObject({ errcode: 0, access_token: REDACTED });
    expect(JSON.stringify(t.sim.requests.all)).not.toContain(t.sim.secret);
  });

  it('byApi filters the log by API', async () => {
    const t = await startTestSim();
    await t.post('kf/account/list', {});
    await t.post('kf/sync_msg', { open_kfid: t.kf });
    expect(t.sim.requests.byApi('kf/sync_msg')).toHaveLength(1);
    expect(t.sim.requests.all.map((r) => r.api)).toEqual(['gettoken', 'kf/account/list', 'kf/sync_msg']);
  });

  it('onRequest hears every record as it is made', async () => {
    const heard: RequestRecord[] = [];
    const t = await startTestSim({ onRequest: (r) => heard.push(r) });
    await t.post('kf/account/list', {});
    expect(heard.map((r) => r.api)).toEqual(['gettoken', 'kf/account/list']);
  });

  it('a request held by a delay is visible as pending until answered', async () => {
    const t = await startTestSim();
    t.sim.faults.inject({ api: 'kf/account/list', delayMs: 100 });
    const answer = t.post('kf/account/list', {});
    await new Promise((r) => setTimeout(r, 30));
    expect(t.sim.requests.last('kf/account/list')).toMatchObject({ outcome: 'pending', status: 0 });
    await answer;
    expect(t.sim.requests.last('kf/account/list')).toMatchObject({ outcome: 'answered', status: 200 });
  });

  it('an injected fault is named on the record', async () => {
    const t = await startTestSim();
    t.sim.faults.inject({ api: 'kf/account/list', errcode: -1 });
    await t.post('kf/account/list', {});
    expect(t.sim.requests.last('kf/account/list')?.fault).toContain('errcode -1');
  });
});
