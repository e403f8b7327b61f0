/**
 * The simulator's KF accounts keep their open_kfid across starts (issue #25: each sandbox restart
 * invented new ids, so one store held several "accounts").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';

const started: WeComSimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function start(opts: Parameters<typeof startSimulator>[0] = {}): Promise<WeComSimulator> {
  const sim = await startSimulator(opts);
  started.push(sim);
  return sim;
}

const ids = (sim: WeComSimulator) => sim.accounts.map((a) => [a.name, a.openKfId]);

describe('simulated KF account ids', () => {
  it('are the same on every start, one per account, shaped like WeCom’s', async () => {
    const first = await start();
    const again = await start();
    expect(ids(again)).toEqual(ids(first));
    expect(first.accounts.map((a) => a.name)).toEqual(['售前咨询', '售后服务']);
    const [a, b] = first.accounts.map((x) => x.openKfId);
    expect(a).not.toBe(b);
    for (const id of [a, b]) expect(id).toMatch(/^wk[A-Za-z0-9_-]{30}$/);
    // kf/account/list hands kfbot the same ids.
    const listed = (await (
      await fetch(`${first.url}/cgi-bin/gettoken?corpid=${first.corpId}&corpsecret=${first.secret}`)
    ).json()) as {
      access_token: string;
    };
    const list = (await (
      await fetch(`${first.url}/cgi-bin/kf/account/list?access_token=${listed.access_token}`, {
        method: 'POST',
        body: '{}',
      })
    ).json()) as { account_list: { open_kfid: string }[] };
    expect(list.account_list.map((x) => x.open_kfid)).toEqual([a, b]);
  });

  it('differ for two accounts of the same name, and stay so on every start', async () => {
    const accounts = [{ name: '客服' }, { name: '客服' }];
    const first = await start({ accounts });
    const again = await start({ accounts });
    expect(new Set(first.accounts.map((a) => a.openKfId)).size).toBe(2);
    expect(ids(again)).toEqual(ids(first));
  });

  it('keep an id that was given', async () => {
    const sim = await start({ accounts: [{ name: '售前', openKfId: 'wkGivenAccount000000000000000001' }] });
    expect(sim.openKfId).toBe('wkGivenAccount000000000000000001');
  });
});
