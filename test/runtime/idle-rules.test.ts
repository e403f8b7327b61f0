/**
 * Idle rules through the real app and the simulator, on a clock the test moves: a reminder and a
 * timeout fire once each, at their time; a customer message cancels them; no quota left means the
 * reminder is skipped with a log line; a session with a human gets nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, MINUTE, startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

const RULES = `
rules:
  - name: 问候
    when: { text: { any: [你好] } }
    then: [ { reply: 您好，请问有什么可以帮您？ } ]
  - name: 五连
    when: { text: 五条 }
    then: [ { reply: 一 }, { reply: 二 }, { reply: 三 }, { reply: 四 }, { reply: 五 } ]
  - name: 转人工
    when: { text: 转人工 }
    then: [ { transfer: { to: queue } } ]
  - name: 提醒
    when: { kind: idle, idle_for: 5m }
    then: [ { reply: 您还在吗？ } ]
  - name: 超时
    when: { kind: idle, idle_for: 30m }
    then: [ { transfer: { to: end, notice: 本次会话已结束，感谢您的咨询 } } ]
`;

let sim: WeComSimulator;
let bot: InProcessKfbot;
let clock: ManualClock;

afterEach(async () => {
  await bot?.close();
  await sim?.close();
});

let rulesDir: string;

async function start(rules = RULES, store = 'sqlite::memory:'): Promise<void> {
  rulesDir = mkdtempSync(join(tmpdir(), 'kfbot-idle-'));
  writeFileSync(join(rulesDir, 'rules.yaml'), rules);
  clock = new ManualClock(Date.now());
  sim = await startSimulator({ clock });
  bot = await startInProcess(sim, { config: { rules: rulesDir, store }, now: () => clock.now() });
}

/** Everything kfbot does after the clock moved: the due look, the pulls it asks for. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    bot.app.idle.wake();
    await bot.app.idle.settled();
    await sim.idle();
    await bot.app.work.idle();
  }
}

async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await settle();
}

const texts = (id: string) =>
  sim.sent(sim.openKfId, id).map((m) => (m.content.text as { content: string } | undefined)?.content);

async function customerSays(text: string, externalUserId?: string): Promise<string> {
  const id = sim.customerSays({ text, ...(externalUserId && { externalUserId }) }).external_userid as string;
  await settle();
  return id;
}

describe('idle rules', () => {
  it('send a reminder at 5 minutes and end the session with a closing remark at 30, once each', async () => {
    await start();
    const id = await customerSays('你好');
    expect(texts(id)).toEqual(['您好，请问有什么可以帮您？']);
    await advance(4 * MINUTE);
    expect(texts(id)).toHaveLength(1);
    await advance(1 * MINUTE);
    expect(texts(id)).toEqual(['您好，请问有什么可以帮您？', '您还在吗？']);
    await advance(10 * MINUTE);
    expect(texts(id)).toHaveLength(2);
    await advance(15 * MINUTE);
    expect(texts(id)).toEqual(['您好，请问有什么可以帮您？', '您还在吗？', '本次会话已结束，感谢您的咨询']);
    expect(sim.sent(sim.openKfId, id).at(-1)?.api).toBe('kf/send_msg_on_event');
    expect(sim.session({ externalUserId: id }).state).toBe(4);
    await advance(60 * MINUTE);
    expect(texts(id)).toHaveLength(3);
  });

  it('fire without reading WeCom: a sync_msg without a fresh callback token counts toward a strict limit', async () => {
    await start();
    const id = await customerSays('你好');
    const reads = sim.requests.byApi('kf/sync_msg').length;
    await advance(5 * MINUTE);
    expect(texts(id).at(-1)).toBe('您还在吗？');
    expect(sim.requests.byApi('kf/sync_msg')).toHaveLength(reads);
  });

  it('measure the silence from the bot’s last message, so a customer message cancels the pending reminder', async () => {
    await start();
    const id = await customerSays('你好');
    await advance(3 * MINUTE);
    await customerSays('你好', id);
    await advance(3 * MINUTE); // 6 min after the first reply, 3 after the second
    expect(texts(id)).toEqual(['您好，请问有什么可以帮您？', '您好，请问有什么可以帮您？']);
    await advance(2 * MINUTE);
    expect(texts(id).at(-1)).toBe('您还在吗？');
  });

  it('start no silence when the customer’s message got no reply', async () => {
    await start();
    const id = await customerSays('随便说说');
    await advance(40 * MINUTE);
    expect(texts(id)).toEqual([]);
    expect(sim.session({ externalUserId: id }).state).not.toBe(4);
  });

  it('skip the reminder with a log line when the 5 replies for the customer’s message are used up', async () => {
    await start();
    const id = await customerSays('五条');
    expect(texts(id)).toHaveLength(5);
    await advance(5 * MINUTE);
    expect(texts(id)).toHaveLength(5);
    const dropped = bot.logs().find((l) => String(l.msg).includes('reply of rule "提醒" dropped'));
    expect(String(dropped?.msg)).toContain('quota');
  });

  it('do nothing while a human has the session', async () => {
    await start();
    const id = await customerSays('你好');
    await advance(1 * MINUTE);
    await customerSays('转人工', id);
    sim.servicerTakes({ externalUserId: id });
    await settle();
    await advance(40 * MINUTE);
    expect(texts(id)).toEqual(['您好，请问有什么可以帮您？']);
    expect(sim.session({ externalUserId: id }).state).toBe(3);
  });

  it('record the session as ended on kfbot’s side when WeCom refuses to end it (95016), and say so', async () => {
    await start();
    const id = await customerSays('你好');
    sim.faults.inject({ api: 'kf/service_state/trans', errcode: 95016 });
    await advance(30 * MINUTE);
    expect(texts(id)).toEqual(['您好，请问有什么可以帮您？', '您还在吗？']);
    const conversation = await bot.app.store.getConversation(sim.openKfId, id);
    expect(conversation?.state.service_state).toBe(4);
    expect(conversation?.idleDueAt).toBeUndefined();
    expect(bot.logs().some((l) => String(l.msg).includes('refused to end the session'))).toBe(true);
  });

  it('fire a timer due while kfbot was stopped once it starts again, exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-idle-store-'));
    await start(RULES, `sqlite:${join(dir, 'kfbot.db')}`);
    const id = await customerSays('你好');
    await bot.close();
    clock.advance(6 * MINUTE);
    bot = await startInProcess(sim, {
      config: { rules: rulesDir, store: `sqlite:${join(dir, 'kfbot.db')}` },
      now: () => clock.now(),
    });
    await settle();
    expect(texts(id)).toEqual(['您好，请问有什么可以帮您？', '您还在吗？']);
    await advance(1 * MINUTE);
    expect(texts(id)).toHaveLength(2);
  });
});
