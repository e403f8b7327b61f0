import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { startSimulator, type WeComSimulator, type WireItem } from '../../src/simulator/index.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

const RULES = `
rules:
  - name: 欢迎
    when: { kind: enter_session }
    then: [ { welcome: 你好，欢迎光临 } ]
  - name: 回答
    when: { text: { any: [在] } }
    then: [ { reply: "{{nickname|亲}}，在的" } ]
  - name: 结束语
    when: { kind: session_status_change, change_type: ended }
    then: [ { closing: 感谢咨询 } ]
`;

function rulesFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-sim-'));
  writeFileSync(join(dir, 'rules.yaml'), RULES);
  return join(dir, 'rules.yaml');
}

interface Report {
  ok: boolean;
  lookups: {
    api: string;
    looksUp: string;
    request: Record<string, unknown>;
    response: Record<string, unknown>;
  }[];
  calls: {
    api: string;
    request: Record<string, unknown>;
    response: Record<string, unknown>;
    accepted: boolean;
  }[];
  dropped: { rule: string; reason: string }[];
}

async function simulate(
  args: string[],
  input?: object,
  rules = rulesFile(),
): Promise<{ code: number; report: Report }> {
  const stdout = new PassThrough();
  const stdin = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => {
    text += d;
  });
  stdin.end(input ? JSON.stringify(input) : '');
  const code = await main(['simulate', '--rules', rules, '--json', ...args, ...(input ? ['-'] : [])], {
    stdout,
    stderr: stdout,
    stdin,
    cwd: process.cwd(),
    env: {},
  });
  return { code, report: JSON.parse(text) as Report };
}

const enter = (sendTime: number) => ({
  msgid: 'enter-1',
  send_time: sendTime,
  origin: 4,
  msgtype: 'event',
  event: {
    event_type: 'enter_session',
    open_kfid: 'wkA',
    external_userid: 'wmB',
    welcome_code: 'WELCOME_CODE_XYZ',
  },
});

const ended = (sendTime: number) => ({
  msgid: 'end-1',
  send_time: sendTime,
  origin: 4,
  msgtype: 'event',
  event: {
    event_type: 'session_status_change',
    open_kfid: 'wkA',
    external_userid: 'wmB',
    change_type: 3,
    old_servicer_userid: 'zhangsan',
    msg_code: 'MSG_CODE_ABC',
  },
});

describe('kfbot simulate sends what serve would send', () => {
  it("sends the item's own welcome_code, and WeCom accepts it while it is live", async () => {
    const t = Date.parse('2026-11-26T10:00:00+08:00');
    const { code, report } = await simulate(['--at', new Date(t + 5_000).toISOString()], enter(t / 1000));
    expect(code).toBe(0);
    expect(report.calls).toHaveLength(1);
    expect(report.calls[0]?.api).toBe('kf/send_msg_on_event');
    expect(report.calls[0]?.request.code).toBe('WELCOME_CODE_XYZ');
    expect(report.calls[0]?.accepted).toBe(true);
  });

  it('refuses a welcome_code older than 20 s, judged now when no --at is given', async () => {
    const { code, report } = await simulate([], enter(Date.parse('2021-03-01T10:00:00+08:00') / 1000));
    expect(code).toBe(1);
    expect(report.calls).toHaveLength(0);
    expect(report.dropped[0]?.reason).toMatch(/the welcome_code is \d+ s old; it is valid for 20 s/);
  });

  it('decides a message from a file by its own send_time when no --at is given', async () => {
    const t = Date.parse('2021-03-01T10:00:05+08:00');
    const { report } = await simulate(['--at', new Date(t).toISOString()], enter(t / 1000 - 5));
    expect(report.ok).toBe(true);
    const { report: late } = await simulate(
      ['--at', new Date(t + 30_000).toISOString()],
      enter(t / 1000 - 5),
    );
    expect(late.ok).toBe(false);
  });

  it('reopens an ended session when the customer writes, and answers as serve does', async () => {
    const { code, report } = await simulate(['--service-state', 'ended', '--text', '在吗']);
    expect(code).toBe(0);
    expect(report.calls.map((c) => [c.api, c.accepted])).toEqual([['kf/send_msg', true]]);
    expect(report.dropped).toEqual([]);
  });

  it("sends a closing remark on the event's own msg_code", async () => {
    const t = Date.parse('2026-11-26T18:00:00+08:00');
    const { code, report } = await simulate([], ended(t / 1000));
    // No --at: the code is judged now, long after 18:00 that day: expired.
    expect(code).toBe(1);
    expect(report.dropped[0]?.reason).toMatch(/closing msg_code is \d+ s old/);
    const fresh = await simulate(['--at', new Date(t + 3_000).toISOString()], ended(t / 1000));
    expect(fresh.code).toBe(0);
    expect(fresh.report.calls[0]?.request.code).toBe('MSG_CODE_ABC');
  });
});

const LOOKUP_APIS = new Set(['kf/customer/batchget', 'kf/service_state/get']);

describe('kfbot simulate lists the lookups serve makes before deciding', () => {
  let sim: WeComSimulator | undefined;
  let kfbot: InProcessKfbot | undefined;
  afterEach(async () => {
    await kfbot?.close();
    await sim?.close();
  });

  /** What serve asked and sent for one customer message, from the simulator's request log. */
  async function serveAnswers(s: WeComSimulator, externalUserId: string) {
    const from = s.requests.all.length;
    const item = s.customerSays({ openKfId: s.openKfId, externalUserId, text: '在吗' });
    await s.idle();
    await kfbot?.app.work.idle();
    // Not the page read, the access token or the callback's account check (kf/account/list,
    // §9.14): what serve asks and sends for this one item.
    const requests = s.requests.all
      .slice(from)
      .filter((r) => r.api && r.api !== 'kf/sync_msg' && r.api !== 'gettoken' && r.api !== 'kf/account/list');
    return {
      item,
      apis: requests.map((r) => r.api),
      lookups: requests
        .filter((r) => r.api && LOOKUP_APIS.has(r.api))
        .map((r) => ({ api: r.api, request: r.body, response: r.response as Record<string, unknown> })),
      calls: requests.filter((r) => r.api === 'kf/send_msg').map((r) => ({ api: r.api, request: r.body })),
    };
  }

  async function simulateItem(s: WeComSimulator, item: WireItem, rules: string, args: string[] = []) {
    const nickname = s.customer(item.external_userid as string)?.nickname ?? '';
    return simulate(['--nickname', nickname, ...args], item, rules);
  }

  it('on a first start: the nickname, then the session state kfbot cannot know, with the same requests and answers', async () => {
    const rules = rulesFile();
    sim = await startSimulator();
    kfbot = await startInProcess(sim, { config: { rules } });
    sim.addCustomer({ externalUserId: 'wmLookups1' });
    const served = await serveAnswers(sim, 'wmLookups1');
    // serve looks up first and sends after.
    expect(served.apis).toEqual(['kf/customer/batchget', 'kf/service_state/get', 'kf/send_msg']);

    const { code, report } = await simulateItem(sim, served.item, rules);
    expect(code).toBe(0);
    expect(report.lookups.map((l) => ({ api: l.api, request: l.request }))).toEqual(
      served.lookups.map((l) => ({ api: l.api, request: l.request })),
    );
    expect(report.lookups.map((l) => l.looksUp)).toEqual(['nickname', 'service_state']);
    // The in-process WeCom answers what the simulator answered serve.
    const nickname = (r: Record<string, unknown> | undefined) =>
      (r?.customer_list as { nickname: string }[] | undefined)?.[0]?.nickname;
    expect(nickname(report.lookups[0]?.response)).toBe(nickname(served.lookups[0]?.response));
    expect(report.lookups[1]?.response.service_state).toBe(served.lookups[1]?.response.service_state);
    // The lookups are not among the planned calls, which are serve's own.
    expect(report.calls.map((c) => ({ api: c.api, request: c.request }))).toEqual(served.calls);
  });

  it('for a customer serve has never met (--service-state ended): the nickname only', async () => {
    const rules = rulesFile();
    sim = await startSimulator();
    kfbot = await startInProcess(sim, { config: { rules } });
    sim.addCustomer({ externalUserId: 'wmLookups1' });
    await serveAnswers(sim, 'wmLookups1'); // the first start is over
    sim.addCustomer({ externalUserId: 'wmLookups2' });
    const served = await serveAnswers(sim, 'wmLookups2');
    expect(served.apis).toEqual(['kf/customer/batchget', 'kf/send_msg']);

    const { report } = await simulateItem(sim, served.item, rules, ['--service-state', 'ended']);
    expect(report.lookups.map((l) => ({ api: l.api, request: l.request }))).toEqual(
      served.lookups.map((l) => ({ api: l.api, request: l.request })),
    );
    expect(report.calls.map((c) => ({ api: c.api, request: c.request }))).toEqual(served.calls);
  });
});
