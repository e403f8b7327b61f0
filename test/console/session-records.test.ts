/**
 * Session records through the real app: a customer's session — the welcome, a menu click, a typed
 * text, a hand-over — is kept message by message with the rule that answered each and why, shown
 * by the console's 会话 endpoints and printed one row per session by `kfbot report sessions --by session`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { runInProcess } from '../cli/run-cli.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { until } from '../support/until.ts';
import { ConsoleClient } from './console-client.ts';

const PASSWORD = 'session records password';
let sim: WeComSimulator;
let bot: InProcessKfbot;

afterEach(async () => {
  await bot?.close();
  await sim?.close();
});

describe('session records', () => {
  it("keeps a session's messages with the rule behind each, for the console and report sessions --by session", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kfbot-sessions-')), 'kfbot.db');
    sim = await startSimulator();
    bot = await startInProcess(sim, { config: { store: `sqlite:${path}`, consolePassword: PASSWORD } });
    const entered = sim.customerEnters({ scene: 'ad' }) as { event?: { external_userid?: string } };
    const customer = entered.event?.external_userid as string;
    await until(() => sim.sent(sim.openKfId, customer).length >= 1, 'the welcome');
    sim.customerClicksMenu({ externalUserId: customer, id: 'hours' });
    sim.customerSays({ externalUserId: customer, text: 'echo <b>你好</b>' });
    await until(() => sim.sent(sim.openKfId, customer).length >= 3, 'two answers');
    sim.customerClicksMenu({ externalUserId: customer, id: 'human' });
    await until(
      async () => (await bot.app.store.sessions.listSessions({ since: 0, limit: 5 }))[0]?.messages.bot === 4,
      'the hand-over recorded',
    );

    const client = new ConsoleClient(bot.app.url);
    await client.signIn(PASSWORD);
    const list = JSON.parse((await client.go('/console/api/sessions')).body);
    expect(list.rows).toHaveLength(1);
    expect(list.rows[0]).toMatchObject({
      openKfId: sim.openKfId,
      externalUserId: customer,
      ended: 'handover',
      customer: 3,
      bot: 4,
      servicer: 0,
    });
    // The rules greet by {{nickname}}, so kfbot looked it up (customer/batchget) and the row shows it.
    const nickname = list.rows[0].nickname as string;
    expect(nickname).toBeTruthy();
    const q = new URLSearchParams({ account: sim.openKfId, customer, started: list.rows[0].startedAt });
    const one = JSON.parse((await client.go(`/console/api/session?${q}`)).body);
    const lines = one.entries.map((e: { from: string; text: string; rules?: string[] }) => [
      e.from,
      e.text,
      e.rules?.join(',') ?? '',
    ]);
    expect(lines).toEqual([
      ['event', '[enter_session scene=ad]', '欢迎语'],
      ['bot', `${nickname}，欢迎！\n· 营业时间\n· 转人工`, '欢迎语'],
      ['customer', '营业时间', 'main → 营业时间'],
      ['bot', '每天 9:00-21:00', 'main → 营业时间'],
      ['customer', 'echo <b>你好</b>', '复述'],
      ['bot', '收到：echo <b>你好</b>', '复述'],
      ['customer', '转人工', 'main → 转人工'],
      ['bot', '[转接 service_state → 2]', 'main → 转人工'],
    ]);
    expect(one.entries[4].why).toContain('✓ 复述');

    const r = await runInProcess([
      'report',
      'sessions',
      '--by',
      'session',
      '--format',
      'csv',
      '--store',
      `sqlite:${path}`,
    ]);
    expect(r.stderr).toBe('');
    const [head, row, ...rest] = r.stdout.trim().split('\n');
    expect(head).toBe(
      'started_at,last_at,account,external_userid,nickname,ended,rating,customer_messages,bot_messages,servicer_messages',
    );
    expect(row).toContain(`,${sim.openKfId},${customer},${nickname},handover,,3,4,0`);
    expect(rest).toEqual([]);
  });
});
