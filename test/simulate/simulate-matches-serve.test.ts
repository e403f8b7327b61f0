import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const RULES = `
rules:
  - name: 欢迎
    when: { kind: enter_session }
    then: [ { welcome: 你好，欢迎光临 } ]
  - name: 回答
    when: { text: { any: [在] } }
    then: [ { reply: 在的 } ]
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
  calls: {
    api: string;
    request: Record<string, unknown>;
    response: Record<string, unknown>;
    accepted: boolean;
  }[];
  dropped: { rule: string; reason: string }[];
}

async function simulate(args: string[], input?: object): Promise<{ code: number; report: Report }> {
  const stdout = new PassThrough();
  const stdin = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => {
    text += d;
  });
  stdin.end(input ? JSON.stringify(input) : '');
  const code = await main(['simulate', '--rules', rulesFile(), '--json', ...args, ...(input ? ['-'] : [])], {
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
