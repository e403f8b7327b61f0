import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientMsgid, type PlannedCall } from '../../src/rules/plan-calls.ts';
import { KfbotMetrics } from '../../src/runtime/metrics.ts';
import { SendExecutor } from '../../src/runtime/send-executor.ts';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { LOCAL_LEASE } from '../../src/store/pull-work.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { MemoryTokenStore } from '../../src/wecom/access-token.ts';
import { WeComClient } from '../../src/wecom/api-client.ts';
import { WeComHttpError } from '../../src/wecom/api-errors.ts';
import { KfApi } from '../../src/wecom/kf-api.ts';

let sim: WeComSimulator;
let store: SqliteStore;
let executor: SendExecutor;
let customer: string;
const log = pino({ level: 'silent' });

beforeEach(async () => {
  sim = await startSimulator();
  store = new SqliteStore(':memory:');
  // The access token is fetched first with time to spare (the machine may be busy), so the short
  // timeout below applies to the send whose answer a test makes late.
  const tokens = new MemoryTokenStore();
  const client = { corpId: sim.corpId, secret: sim.secret, baseUrl: sim.url, tokenStore: tokens };
  await new KfApi(new WeComClient({ ...client, timeoutMs: 10_000 })).listAccounts();
  const kf = new KfApi(new WeComClient({ ...client, timeoutMs: 150, retry: { maxAttempts: 1 } }));
  executor = new SendExecutor(kf, store, new KfbotMetrics(), Date.now);
  customer = sim.customerSays({ text: '你好' }).external_userid as string;
});

afterEach(async () => {
  await store.close();
  await sim.close();
});

const reply = (step: number, text: string): PlannedCall => ({
  api: 'kf/send_msg',
  step,
  rule: '问候',
  body: {
    touser: customer,
    open_kfid: sim.openKfId,
    msgid: clientMsgid('in-1', step),
    msgtype: 'text',
    text: { content: text },
  },
});
const ctx = () => ({
  inboundMsgid: 'in-1',
  openKfId: sim.openKfId,
  externalUserId: customer,
  lease: LOCAL_LEASE,
  log,
});

describe('making a planned call exactly once', () => {
  it('sends and records it, and does nothing the second time', async () => {
    await expect(executor.execute(reply(0, '您好'), ctx())).resolves.toMatchObject({ status: 'sent' });
    await expect(executor.execute(reply(0, '您好'), ctx())).resolves.toMatchObject({ status: 'sent' });
    expect(sim.sent(sim.openKfId, customer)).toHaveLength(1);
    expect(sim.requests.byApi('kf/send_msg')).toHaveLength(1);
  });

  it('leaves a send whose answer was lost as attempting, and resolves it without a second copy', async () => {
    sim.faults.inject({ api: 'kf/send_msg', apply: true, delayMs: 400 });
    await expect(executor.execute(reply(0, '您好'), ctx())).rejects.toBeInstanceOf(WeComHttpError);
    expect((await store.getSend(clientMsgid('in-1', 0)))?.status).toBe('attempting');
    await new Promise((r) => setTimeout(r, 450));
    // Retried: WeCom refuses the duplicate msgid, which says the first attempt was delivered.
    await expect(executor.execute(reply(0, '您好'), ctx())).resolves.toMatchObject({ status: 'sent' });
    expect(sim.sent(sim.openKfId, customer)).toHaveLength(1);
    expect((await store.getSend(clientMsgid('in-1', 0)))?.attempts).toBe(2);
  });

  it('sends a message whose first attempt never reached WeCom', async () => {
    sim.faults.inject({ api: 'kf/send_msg', resetConnection: true });
    await expect(executor.execute(reply(0, '您好'), ctx())).rejects.toBeInstanceOf(WeComHttpError);
    await expect(executor.execute(reply(0, '您好'), ctx())).resolves.toMatchObject({ status: 'sent' });
    expect(sim.sent(sim.openKfId, customer)).toHaveLength(1);
  });

  it('records a refusal with its errcode and does not retry it', async () => {
    sim.servicerEnds({ externalUserId: customer });
    sim.servicerSays({ externalUserId: customer, text: '我来' }); // a human re-joins: state 3
    await expect(executor.execute(reply(0, '您好'), ctx())).resolves.toEqual({
      call: reply(0, '您好'),
      status: 'refused',
      errcode: 95018,
    });
    await executor.execute(reply(0, '您好'), ctx());
    expect(sim.requests.byApi('kf/send_msg')).toHaveLength(1);
  });

  it('sends a transfer notice with the msg_code the transfer returned', async () => {
    const trans: PlannedCall = {
      api: 'kf/service_state/trans',
      step: 0,
      rule: '转人工',
      body: { open_kfid: sim.openKfId, external_userid: customer, service_state: 2 },
      notice: { msgid: clientMsgid('in-1', 0), content: { msgtype: 'text', text: { content: '请稍候' } } },
    };
    await expect(executor.execute(trans, ctx())).resolves.toMatchObject({ status: 'sent' });
    expect(sim.sent(sim.openKfId, customer)).toMatchObject([
      { api: 'kf/send_msg_on_event', codeKind: 'queue' },
    ]);
    await executor.execute(trans, ctx());
    expect(sim.sent(sim.openKfId, customer)).toHaveLength(1);
  });
});
