import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { WeComClient } from '../../src/wecom/api-client.ts';
import { SendValidationError, WeComApiError, WeComHttpError } from '../../src/wecom/api-errors.ts';
import { withAttemptGuard } from '../../src/wecom/attempt-guard.ts';
import { KfApi } from '../../src/wecom/kf-api.ts';

let sim: WeComSimulator;
let clock: ManualClock;
let delays: number[];
let logLines: string[];

function api(overrides: Partial<ConstructorParameters<typeof WeComClient>[0]> = {}): KfApi {
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  return new KfApi(
    new WeComClient({
      corpId: sim.corpId,
      secret: sim.secret,
      baseUrl: sim.url,
      now: () => clock.now(),
      sleep: async (ms) => {
        delays.push(ms);
      },
      logger: pino({ level: 'debug' }, sink),
      ...overrides,
    }),
  );
}

const gettokens = () => sim.requests.byApi('gettoken').length;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-26T02:00:00Z'));
  sim = await startSimulator({ clock });
  delays = [];
  logLines = [];
});

afterEach(async () => {
  await sim.close();
  // Secrets and access tokens never reach a log line (§1, §9.13).
  const tokens = sim.requests
    .byApi('gettoken')
    .map((r) => String((r.response as { access_token?: string }).access_token));
  for (const line of logLines) {
    expect(line).not.toContain(sim.secret);
    for (const t of tokens) expect(line).not.toContain(t);
  }
});

describe('access token', () => {
  it('fetches one token for many concurrent calls and reuses it', async () => {
    const kf = api();
    await Promise.all(Array.from({ length: 10 }, () => kf.listAccounts()));
    await kf.listAccounts();
    expect(gettokens()).toBe(1);
  });

  it('fetches a new token shortly before the old one expires', async () => {
    const kf = api();
    await kf.listAccounts();
    clock.advance(7200_000 - 4 * 60_000); // inside the 5-minute safety margin
    await kf.listAccounts();
    expect(gettokens()).toBe(2);
  });

  it('refreshes once and retries when WeCom invalidates the token early', async () => {
    const kf = api();
    await kf.listAccounts();
    sim.invalidateAccessTokens();
    await expect(kf.listAccounts()).resolves.toHaveLength(2);
    expect(gettokens()).toBe(2);
  });

  it('gives up after one refresh if the new token is rejected too', async () => {
    const kf = api();
    sim.faults.inject({ api: 'kf/account/list', errcode: 42001, times: 5 });
    const err = await kf.listAccounts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeComApiError);
    expect((err as WeComApiError).errcode).toBe(42001);
    expect(sim.requests.byApi('kf/account/list')).toHaveLength(2);
  });

  it('does not refresh the token on 40001 (§1 ⚠, §9.13: a bad secret, not a bad token)', async () => {
    const kf = api();
    await kf.listAccounts();
    sim.faults.inject({ api: 'kf/account/list', errcode: 40001, times: 1 });
    const err = await kf.listAccounts().catch((e: unknown) => e);
    expect((err as WeComApiError).errcode).toBe(40001);
    expect(gettokens()).toBe(1);
    expect(sim.requests.byApi('kf/account/list')).toHaveLength(2);
  });

  it('does not call gettoken again for a minute after WeCom refused the secret (§1: repeated secret errors ban the IP for 1 h)', async () => {
    const kf = api({ secret: 'not-the-secret-at-all' });
    for (let i = 0; i < 5; i++) {
      const err = await kf.listAccounts().catch((e: unknown) => e);
      expect((err as WeComApiError).errcode).toBe(40001);
    }
    expect(gettokens()).toBe(1);
    clock.advance(61_000);
    await kf.listAccounts().catch(() => {});
    expect(gettokens()).toBe(2);
  });

  it('reports a wrong secret with a remedy and without the secret', async () => {
    const kf = api({ secret: 'not-the-secret-at-all' });
    const err = (await kf.listAccounts().catch((e: unknown) => e)) as WeComApiError;
    expect(err).toBeInstanceOf(WeComApiError);
    expect(err.errcode).toBe(40001);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('WECOM_SECRET');
    expect(err.message).not.toContain('not-the-secret-at-all');
  });
});

describe('retries', () => {
  it.each([
    ['system busy (-1)', { errcode: -1 }],
    ['the concurrency limit (45033)', { errcode: 45033 }],
    ['HTTP 502', { httpStatus: 502 }],
    ['a connection reset', { resetConnection: true }],
  ])('retries %s with growing, jittered backoff, then succeeds', async (_name, fault) => {
    const kf = api({ random: () => 1 });
    sim.faults.inject({ api: 'kf/account/list', times: 2, ...fault });
    await expect(kf.listAccounts()).resolves.toHaveLength(2);
    expect(sim.requests.byApi('kf/account/list')).toHaveLength(3);
    expect(delays).toEqual([200, 400]);
  });

  it('stops after 4 attempts and says the error is retryable', async () => {
    const kf = api();
    sim.faults.inject({ api: 'kf/account/list', errcode: -1, times: 10 });
    const err = (await kf.listAccounts().catch((e: unknown) => e)) as WeComApiError;
    expect(err.errcode).toBe(-1);
    expect(err.retryable).toBe(true);
    expect(sim.requests.byApi('kf/account/list')).toHaveLength(4);
  });

  it('does not retry an error retrying cannot fix', async () => {
    const kf = api();
    const { externalUserId } = sim.world.ensureCustomer() as { externalUserId: string };
    sim.servicerSays({ externalUserId, text: '我来接待' }); // a human now holds the session
    const err = (await kf
      .sendMsg({
        touser: externalUserId,
        open_kfid: sim.openKfId,
        msgtype: 'text',
        text: { content: '在的' },
      })
      .catch((e: unknown) => e)) as WeComApiError;
    expect(err.errcode).toBe(95018);
    expect(err.message).toContain('the bot sends only in states 0 and 1');
    expect(sim.requests.byApi('kf/send_msg')).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('retries a timed-out pull but never resends a message without a client msgid', async () => {
    const kf = api({ timeoutMs: 100 });
    sim.customerSays({ text: '你好' });
    const customer = sim.items()[0]?.external_userid as string;
    sim.faults.inject({ api: 'kf/sync_msg', delayMs: 300 });
    await expect(kf.syncMsg({ open_kfid: sim.openKfId })).resolves.toMatchObject({
      items: [{ kind: 'text' }],
    });

    sim.faults.inject({ api: 'kf/send_msg', delayMs: 300, apply: true });
    const send = {
      touser: customer,
      open_kfid: sim.openKfId,
      msgtype: 'text' as const,
      text: { content: '在的' },
    };
    const err = (await kf.sendMsg(send).catch((e: unknown) => e)) as WeComHttpError;
    expect(err).toBeInstanceOf(WeComHttpError);
    expect(err.failure).toBe('timeout');
    expect(sim.requests.byApi('kf/send_msg')).toHaveLength(1);
    expect(sim.sent(sim.openKfId, customer)).toHaveLength(1);
  });

  it('resends a timed-out message that carries a client msgid, and reads the duplicate refusal as delivered', async () => {
    const kf = api({ timeoutMs: 100 });
    sim.customerSays({ text: '你好' });
    const customer = sim.items()[0]?.external_userid as string;
    sim.faults.inject({ api: 'kf/send_msg', delayMs: 300, apply: true });
    const send = { touser: customer, open_kfid: sim.openKfId, msgid: 'kf_reply_1', msgtype: 'text' as const };
    await expect(kf.sendMsg({ ...send, text: { content: '在的' } })).resolves.toEqual({
      msgid: 'kf_reply_1',
    });
    expect(sim.requests.byApi('kf/send_msg')).toHaveLength(2);
    expect(sim.sent(sim.openKfId, customer)).toHaveLength(1); // delivered once, not twice
  });

  it('does not read a duplicate refusal as delivered when no earlier attempt could have been', async () => {
    const kf = api();
    sim.customerSays({ text: '你好' });
    const customer = sim.items()[0]?.external_userid as string;
    const send = { touser: customer, open_kfid: sim.openKfId, msgid: 'kf_reply_2', msgtype: 'text' as const };
    await kf.sendMsg({ ...send, text: { content: '一' } });
    await expect(kf.sendMsg({ ...send, text: { content: '二' } })).rejects.toMatchObject({ errcode: 40058 });
  });
});

describe('the attempt guard (a pull’s lease)', () => {
  class Lost extends Error {}

  it('stops a retry whose guard now refuses: the timed-out trans is not made again', async () => {
    const kf = api({ timeoutMs: 100 });
    sim.customerSays({ text: '人工' });
    const customer = sim.items()[0]?.external_userid as string;
    sim.faults.inject({ api: 'kf/service_state/trans', delayMs: 300, apply: true });
    let held = true;
    const trans = withAttemptGuard(
      () => {
        if (!held) throw new Lost('lease lost');
        held = false; // the first attempt goes out; by the retry the lease is gone
      },
      () => kf.transServiceState({ open_kfid: sim.openKfId, external_userid: customer, service_state: 2 }),
    );
    await expect(trans).rejects.toBeInstanceOf(Lost);
    expect(sim.requests.byApi('kf/service_state/trans')).toHaveLength(1);
  });

  it('makes no request at all under a guard that refuses, and still gets tokens for others', async () => {
    const kf = api();
    await expect(
      withAttemptGuard(
        () => {
          throw new Lost('lease lost');
        },
        () => kf.listAccounts(),
      ),
    ).rejects.toBeInstanceOf(Lost);
    expect(sim.requests.byApi('kf/account/list')).toHaveLength(0);
    expect(gettokens()).toBe(1); // a token acts for no account: not guarded
  });

  it('checks every attempt, first and retries, right as each is written', async () => {
    const kf = api({ random: () => 0 });
    sim.faults.inject({ api: 'kf/account/list', errcode: -1, times: 2 });
    let checks = 0;
    await withAttemptGuard(
      () => {
        checks++;
      },
      () => kf.listAccounts(),
    );
    expect(checks).toBe(3);
    expect(sim.requests.byApi('kf/account/list')).toHaveLength(3);
  });
});

describe('endpoints', () => {
  it('pages sync_msg on has_more, through an empty page, to the end', async () => {
    await sim.close();
    sim = await startSimulator({ clock, settings: { syncPageSize: 2 } });
    const kf = api();
    for (let i = 0; i < 5; i++) sim.customerSays({ text: `消息${i}` });
    sim.faults.inject({ api: 'kf/sync_msg', emptyPage: true });
    const pages = [];
    for await (const page of kf.syncPages({ open_kfid: sim.openKfId })) pages.push(page);
    expect(pages.map((p) => p.items.length)).toEqual([0, 2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((i) => (i.kind === 'text' ? i.text.content : '')))).toEqual([
      '消息0',
      '消息1',
      '消息2',
      '消息3',
      '消息4',
    ]);
    expect(pages.at(-1)?.has_more).toBe(false);
  });

  it('checks a send against WeCom limits before anything is sent', async () => {
    const kf = api();
    const err = (await kf
      .sendMsg({
        touser: 'wm1',
        open_kfid: sim.openKfId,
        msgtype: 'text',
        text: { content: '好'.repeat(700) },
      })
      .catch((e: unknown) => e)) as SendValidationError;
    expect(err).toBeInstanceOf(SendValidationError);
    expect(err.message).toContain('2100 bytes');
    expect(sim.requests.all).toHaveLength(0);
  });

  it('welcomes with the welcome_code, once', async () => {
    const kf = api();
    const enter = sim.customerEnters({ scene: 'live' }) as {
      event: { welcome_code: string; external_userid: string };
    };
    const welcome = {
      code: enter.event.welcome_code,
      msgtype: 'text' as const,
      text: { content: '欢迎光临' },
    };
    await expect(kf.sendMsgOnEvent({ ...welcome, msgid: 'kf_w1' })).resolves.toEqual({ msgid: 'kf_w1' });
    await expect(kf.sendMsgOnEvent(welcome)).rejects.toMatchObject({ errcode: 40058 });
    expect(sim.sent(sim.openKfId, enter.event.external_userid)).toHaveLength(1);
  });

  it('reads and changes the service state, receiving the queue code once', async () => {
    const kf = api();
    sim.customerSays({ text: '人工' });
    const customer = sim.items()[0]?.external_userid as string;
    const ref = { open_kfid: sim.openKfId, external_userid: customer };
    await expect(kf.getServiceState(ref)).resolves.toEqual({ service_state: 0 });
    const queued = await kf.transServiceState({ ...ref, service_state: 2 });
    expect(queued.msg_code).toEqual(expect.any(String));
    await expect(
      kf.transServiceState({ ...ref, service_state: 3, servicer_userid: 'zhangsan' }),
    ).resolves.toEqual({});
    await expect(kf.getServiceState(ref)).resolves.toEqual({ service_state: 3, servicer_userid: 'zhangsan' });
    await expect(kf.transServiceState({ ...ref, service_state: 2 })).rejects.toMatchObject({
      errcode: 95016,
    });
  });

  it('gets customers in batches of 100 and lists the invalid ids', async () => {
    const kf = api();
    const ids = Array.from({ length: 150 }, (_, i) => {
      const c = sim.world.ensureCustomer(`wmCustomer${i}`) as { externalUserId: string };
      return c.externalUserId;
    });
    const { customers, invalid } = await kf.batchGetCustomers([...ids, 'wmNobody'], true);
    expect(customers).toHaveLength(150);
    expect(customers[0]?.nickname).toEqual(expect.any(String));
    expect(invalid).toEqual(['wmNobody']);
    expect(sim.requests.byApi('kf/customer/batchget')).toHaveLength(2);
  });

  it('uploads an image and sends it by media_id', async () => {
    const kf = api();
    sim.customerSays({ text: '发张图' });
    const customer = sim.items()[0]?.external_userid as string;
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64),
    ]);
    const media = await kf.uploadMedia('image', {
      filename: '二维码.png',
      data: png,
      contentType: 'image/png',
    });
    expect(media.created_at).toBe(Math.floor(clock.now() / 1000));
    await kf.sendMsg({
      touser: customer,
      open_kfid: sim.openKfId,
      msgtype: 'image',
      image: { media_id: media.media_id },
    });
    expect(sim.sent(sim.openKfId, customer)[0]?.msgtype).toBe('image');
  });

  it('lists the kf accounts', async () => {
    const accounts = await api().listAccounts();
    expect(accounts.map((a) => a.name)).toEqual(['售前咨询', '售后服务']);
  });
});
