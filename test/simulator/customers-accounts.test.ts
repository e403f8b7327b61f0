import { describe, expect, it } from 'vitest';
import { BATCHGET_MAX_IDS } from '../../src/wecom/platform-choices.ts';
import { startTestSim } from './helpers.ts';

describe('kf/customer/batchget (§7.2)', () => {
  it('returns known customers and lists unknown ids as invalid', async () => {
    const t = await startTestSim();
    const c = t.sim.addCustomer({ nickname: '王先生', gender: 1 });
    const res = await t.post('kf/customer/batchget', {
      external_userid_list: [c.externalUserId, 'wmUnknown'],
    });
    expect(res.errcode).toBe(0);
    expect(res.customer_list).toEqual([
      expect.objectContaining({
        external_userid: c.externalUserId,
        nickname: '王先生',
        gender: 1,
        avatar: c.avatar,
      }),
    ]);
    expect(res.invalid_external_userid).toEqual(['wmUnknown']);
  });

  it('invented customers have a realistic nickname and a unionid', async () => {
    const t = await startTestSim();
    const id = String(t.sim.customerSays({ text: 'hi' }).external_userid);
    const [customer] = (await t.post('kf/customer/batchget', { external_userid_list: [id] }))
      .customer_list as Array<Record<string, unknown>>;
    expect(String(customer?.nickname).length).toBeGreaterThan(1);
    expect(customer?.unionid).toMatch(/^o/);
  });

  it('enter_session_context is returned only when asked for', async () => {
    const t = await startTestSim();
    const enter = t.sim.customerEnters({
      scene: 'qr1',
      sceneParam: 'a=b',
      wechatChannels: { nickname: '视频号', scene: 1 },
    });
    const id = (enter.event as { external_userid: string }).external_userid;
    const without = await t.post('kf/customer/batchget', { external_userid_list: [id] });
    expect(
      (without.customer_list as Array<Record<string, unknown>>)[0]?.enter_session_context,
    ).toBeUndefined();
    const withCtx = await t.post('kf/customer/batchget', {
      external_userid_list: [id],
      need_enter_session_context: 1,
    });
    expect((withCtx.customer_list as Array<Record<string, unknown>>)[0]?.enter_session_context).toEqual({
      scene: 'qr1',
      scene_param: 'a=b',
      wechat_channels: { nickname: '视频号', scene: 1 },
    });
  });

  it(`more than ${BATCHGET_MAX_IDS} ids get 40058`, async () => {
    const t = await startTestSim();
    const ids = Array.from({ length: BATCHGET_MAX_IDS + 1 }, (_, i) => `wm${i}`);
    expect((await t.post('kf/customer/batchget', { external_userid_list: ids })).errcode).toBe(40058);
  });

  it('an empty list gets 40058', async () => {
    const t = await startTestSim();
    expect((await t.post('kf/customer/batchget', { external_userid_list: [] })).errcode).toBe(40058);
  });
});

describe('kf/account/list (§7.3)', () => {
  it('lists the accounts with name, avatar and manage_privilege', async () => {
    const t = await startTestSim();
    const res = await t.post('kf/account/list', { offset: 0, limit: 100 });
    expect(res.account_list).toEqual([
      expect.objectContaining({ open_kfid: t.kf, name: '售前咨询', manage_privilege: true }),
      expect.objectContaining({ name: '售后服务' }),
    ]);
  });

  it('pages with offset and limit', async () => {
    const t = await startTestSim();
    const res = await t.post('kf/account/list', { offset: 1, limit: 1 });
    expect((res.account_list as Array<{ name: string }>).map((a) => a.name)).toEqual(['售后服务']);
  });

  it('limit above 100 gets 40058', async () => {
    const t = await startTestSim();
    expect((await t.post('kf/account/list', { offset: 0, limit: 101 })).errcode).toBe(40058);
  });
});
