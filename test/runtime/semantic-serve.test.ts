/**
 * The semantic provider through the real app: a customer's typed 泰迪 question is answered with
 * the pets item once the question vectors are ready, counted in /metrics; with no provider set,
 * the provider is never called.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { type FakeEmbeddings, startFakeEmbeddings } from '../support/fake-embeddings-server.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { until } from '../support/until.ts';

let sim: WeComSimulator;
let bot: InProcessKfbot;
let fake: FakeEmbeddings;

afterEach(async () => {
  await bot.close();
  await sim.close();
  await fake.close();
});

const texts = (id: string) =>
  sim.sent(sim.openKfId, id).map((m) => (m.content.text as { content?: string } | undefined)?.content);

async function ask(text: string): Promise<(string | undefined)[]> {
  const id = sim.customerSays({ text }).external_userid as string;
  await until(() => sim.sent(sim.openKfId, id).length >= 1, 'an answer');
  await bot.app.work.idle();
  return texts(id);
}

describe('serve with a semantic provider', () => {
  it('answers 泰迪 with the pets item after preparing the question vectors, and counts it', async () => {
    fake = await startFakeEmbeddings({ key: 'sk-local', faults: { maxBatch: 10 } });
    sim = await startSimulator();
    bot = await startInProcess(sim, {
      config: { rules: 'bench/faq/hotel' },
      env: {
        KFBOT_SEMANTIC_BASE_URL: fake.url,
        KFBOT_SEMANTIC_MODEL: 'fake-bge',
        KFBOT_SEMANTIC_BATCH_SIZE: '10',
        KFBOT_SEMANTIC_API_KEY: 'sk-local',
      },
    });
    await until(() => bot.lines.some((l) => l.includes('semantic FAQ ready')), 'the question vectors');
    expect(await ask('我家泰迪能一起住吗')).toEqual(['抱歉，本酒店暂不接待宠物（导盲犬除外）。']);
    const metrics = await (await request(`${bot.app.url}/metrics`)).body.text();
    expect(metrics).toMatch(/^kfbot_faq_semantic_total\{outcome="fused"\} 1$/m);
    expect(bot.lines.join('\n')).not.toContain('sk-local');
  });

  it('never calls a provider when none is set', async () => {
    fake = await startFakeEmbeddings();
    sim = await startSimulator();
    bot = await startInProcess(sim, { config: { rules: 'bench/faq/hotel' }, env: {} });
    const answer = await ask('我家泰迪能一起住吗');
    expect(answer[0]).not.toBe('抱歉，本酒店暂不接待宠物（导盲犬除外）。');
    expect(fake.requests).toEqual([]);
  });
});
