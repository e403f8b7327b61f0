/**
 * The unanswered-question loop through the real app: customer texts no rule answered are kept,
 * grouped and counted, and counted in a metric; with KFBOT_UNANSWERED_RETENTION 0 nothing is kept.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

let sim: WeComSimulator;
let bot: InProcessKfbot;

afterEach(async () => {
  await bot.close();
  await sim.close();
});

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function converse(retentionMs: number): Promise<void> {
  sim = await startSimulator();
  bot = await startInProcess(sim, { config: { unansweredRetentionMs: retentionMs } });
  const a = sim.customerSays({ text: '今天天气怎么样？' }).external_userid as string;
  const b = sim.customerSays({ text: '今天天气怎么样' }).external_userid as string;
  sim.customerSays({ externalUserId: a, text: 'echo 你好' });
  await until(
    () => sim.sent(sim.openKfId, a).length >= 2 && sim.sent(sim.openKfId, b).length >= 1,
    'every message answered',
  );
  await bot.app.work.idle();
}

const unansweredMetric = async () => {
  const text = await (await request(`${bot.app.url}/metrics`)).body.text();
  return Number(/^kfbot_unanswered_questions_total (\d+)/m.exec(text)?.[1]);
};

describe('unanswered questions', () => {
  it('keeps customer texts only a fallback answered, grouped by their normalised form and counted', async () => {
    await converse(30 * 86_400_000);
    const rows = await bot.app.store.listUnanswered(0, 10);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ openKfId: sim.openKfId, count: 2, candidates: [] });
    expect(rows[0]?.text).toBe('今天天气怎么样');
    expect(['今天天气怎么样？', '今天天气怎么样']).toContain(rows[0]?.example);
    expect(await unansweredMetric()).toBe(2);
  });

  it('keeps nothing when KFBOT_UNANSWERED_RETENTION is 0, but still counts them', async () => {
    await converse(0);
    expect(await bot.app.store.listUnanswered(0, 10)).toEqual([]);
    expect(await unansweredMetric()).toBe(2);
  });
});
