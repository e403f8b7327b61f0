import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';

let sim: WeComSimulator | undefined;
afterEach(async () => {
  await sim?.close();
});

describe('startSimulator defaults', () => {
  it('listens on loopback with a ww… corp, a secret, two KF accounts and two servicers', async () => {
    sim = await startSimulator();
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.corpId).toMatch(/^ww[0-9a-f]{16}$/);
    expect(sim.secret.length).toBeGreaterThan(20);
    expect(sim.accounts.map((a) => a.name)).toEqual(['售前咨询', '售后服务']);
    expect(sim.accounts.every((a) => /^wk[\w-]{30}$/.test(a.openKfId))).toBe(true);
    expect(sim.servicers.map((s) => [s.userid, s.status])).toEqual([
      ['zhangsan', 'receiving'],
      ['lisi', 'receiving'],
    ]);
  });

  it('everything is overridable', async () => {
    sim = await startSimulator({
      corpId: 'ww0000000000000001',
      secret: 's3cret',
      accounts: [{ openKfId: 'wkTest', name: '测试客服' }],
      servicers: [{ userid: 'wangwu', status: 'stopped' }],
    });
    expect([sim.corpId, sim.secret, sim.openKfId, sim.servicers[0]?.status]).toEqual([
      'ww0000000000000001',
      's3cret',
      'wkTest',
      'stopped',
    ]);
  });

  it('close() can be called twice', async () => {
    sim = await startSimulator();
    await sim.close();
    await sim.close();
  });
});
