import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { WRONG_JSON_FORMAT_ERRCODE } from '../../src/wecom/platform-choices.ts';
import { rawPost, startTestSim } from './helpers.ts';

describe('gettoken and the access_token rules (§1, §8)', () => {
  it('gettoken returns a token with expires_in 7200', async () => {
    const t = await startTestSim();
    const { json } = await t.get('gettoken', { corpid: t.sim.corpId, corpsecret: t.sim.secret });
    expect(json).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 });
    expect(typeof json.access_token).toBe('string');
  });

  it('gettoken issues a new token on every call, and earlier ones stay valid', async () => {
    const t = await startTestSim();
    const again = await t.get('gettoken', { corpid: t.sim.corpId, corpsecret: t.sim.secret });
    expect(again.json.access_token).not.toBe(t.token);
    expect((await t.post('kf/account/list', {})).errcode).toBe(0);
  });

  it('gettoken answers 40013 for a wrong corpid', async () => {
    const t = await startTestSim();
    const { json } = await t.get('gettoken', { corpid: 'wwnotmine', corpsecret: t.sim.secret });
    expect(json.errcode).toBe(40013);
  });

  it('gettoken answers 40001 for a wrong secret', async () => {
    const t = await startTestSim();
    const { json } = await t.get('gettoken', { corpid: t.sim.corpId, corpsecret: 'nope' });
    expect(json.errcode).toBe(40001);
  });

  it('expires_in is configurable', async () => {
    const t = await startTestSim({ settings: { accessTokenTtlSeconds: 60 } });
    const { json } = await t.get('gettoken', { corpid: t.sim.corpId, corpsecret: t.sim.secret });
    expect(json.expires_in).toBe(60);
  });

  it('a token is refused with 42001 once 7200 s have passed', async () => {
    const t = await startTestSim();
    t.clock.advance(7199_000);
    expect((await t.post('kf/account/list', {})).errcode).toBe(0);
    t.clock.advance(1000);
    expect((await t.post('kf/account/list', {})).errcode).toBe(42001);
  });

  it('an unknown token is refused with 40014', async () => {
    const t = await startTestSim();
    expect((await t.post('kf/account/list', {}, 'made-up')).errcode).toBe(40014);
  });

  it('invalidateAccessTokens makes live tokens answer 40014', async () => {
    const t = await startTestSim();
    expect(t.sim.invalidateAccessTokens()).toBe(1);
    expect((await t.post('kf/account/list', {})).errcode).toBe(40014);
  });

  it('a request without access_token gets 41001', async () => {
    const t = await startTestSim();
    const res = await rawPost(`${t.sim.url}/cgi-bin/kf/account/list`, '{}');
    expect(JSON.parse(res.text).errcode).toBe(41001);
  });

  it('an access_token in the body instead of the URL gets 41001', async () => {
    const t = await startTestSim();
    const res = await rawPost(
      `${t.sim.url}/cgi-bin/kf/account/list`,
      JSON.stringify({ access_token: t.token }),
    );
    const json = JSON.parse(res.text);
    expect(json.errcode).toBe(41001);
    expect(json.errmsg).toContain('URL');
  });

  it('a token from an app without 微信客服 permission gets 48002 on kf APIs', async () => {
    const t = await startTestSim({ otherSecrets: ['other-app-secret'] });
    const { json } = await t.get('gettoken', { corpid: t.sim.corpId, corpsecret: 'other-app-secret' });
    expect(json.errcode).toBe(0);
    expect((await t.post('kf/account/list', {}, String(json.access_token))).errcode).toBe(48002);
  });

  it('a body that is not JSON gets an errmsg with "Warning: wrong json format."', async () => {
    const t = await startTestSim();
    const res = await rawPost(
      `${t.sim.url}/cgi-bin/kf/account/list?access_token=${t.token}`,
      '{"offset": 0,',
    );
    const json = JSON.parse(res.text);
    expect(json.errcode).toBe(WRONG_JSON_FORMAT_ERRCODE);
    expect(json.errmsg).toContain('Warning: wrong json format.');
  });

  it('an unknown path gets HTTP 404 with a JSON errcode', async () => {
    const t = await startTestSim();
    const res = await rawPost(`${t.sim.url}/cgi-bin/kf/no_such_api?access_token=${t.token}`, '{}');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text).errcode).not.toBe(0);
  });

  it('GET on a POST API gets 43002', async () => {
    const t = await startTestSim();
    const res = await request(`${t.sim.url}/cgi-bin/kf/account/list?access_token=${t.token}`);
    expect(((await res.body.json()) as { errcode: number }).errcode).toBe(43002);
  });
});
