import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.ts';
import { type FakeEmbeddings, startFakeEmbeddings } from '../support/fake-embeddings-server.ts';

let fake: FakeEmbeddings;
beforeEach(async () => {
  fake = await startFakeEmbeddings({ prefix: '/compatible-mode/v1', key: 'sk-t', faults: { maxBatch: 10 } });
});
afterEach(() => fake.close());

const env = () => ({
  KFBOT_SEMANTIC_PROVIDER: 'dashscope',
  KFBOT_SEMANTIC_BASE_URL: fake.url,
  DASHSCOPE_API_KEY: 'sk-t',
});
const right = (out: string) => Number(/answered right \(top-1\)\s+([\d.]+) %/.exec(out)?.[1]);

describe('kfbot test --faq with a semantic provider', () => {
  it('measures the provider fused with the matcher, with the latency it adds, and --lexical without it', async () => {
    const args = ['test', '--rules', 'bench/faq/hotel', '--faq', 'bench/faq/hotel-test.txt'];
    const fused = await runInProcess(args, env());
    expect(fused.stderr).toBe('');
    expect(fused.stdout).toMatch(
      /semantic provider\s+Alibaba 百炼 \/ DashScope \(compatible mode\), text-embedding-v4: \d+ fused/,
    );
    expect(fused.stdout).toMatch(/added latency\s+p50 \d+ ms, p95 \d+ ms/);
    const lexical = await runInProcess([...args, '--lexical'], env());
    expect(lexical.stdout).not.toMatch(/semantic provider/);
    expect(right(fused.stdout)).toBeGreaterThan(right(lexical.stdout));
    expect(fused.stdout).not.toContain('sk-t');
  });

  it('says what is missing instead of measuring without the provider', async () => {
    const args = ['test', '--rules', 'bench/faq/hotel', '--faq', 'bench/faq/hotel-test.txt'];
    const r = await runInProcess(args, { KFBOT_SEMANTIC_PROVIDER: 'dashscope' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'kfbot test: semantic provider: Alibaba 百炼 / DashScope (compatible mode) needs a key: set DASHSCOPE_API_KEY (or KFBOT_SEMANTIC_API_KEY) in the environment\n',
    );
    const v = await runInProcess(['validate', 'bench/faq/hotel'], {
      KFBOT_SEMANTIC_PROVIDER: 'zhipu',
      KFBOT_SEMANTIC_BATCH_SIZE: '100',
    });
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(
      /error: semantic provider \(settings.faq.semantic, KFBOT_SEMANTIC_\*\): batch_size is a whole number from 1 to 64/,
    );
    expect(fake.requests).toEqual([]);
  });

  it('simulate --semantic shows the provider fused into the decision, and asks for a provider when none is set', async () => {
    const args = [
      'simulate',
      '--rules',
      'bench/faq/hotel',
      '--text',
      '我家泰迪能一起住吗',
      '--service-state',
      'bot',
    ];
    const plain = await runInProcess(args, env());
    expect(plain.stdout).not.toContain('宠物（导盲犬除外）');
    expect(fake.requests).toEqual([]);
    const fused = await runInProcess([...args, '--semantic'], env());
    expect(fused.stdout).toContain('抱歉，本酒店暂不接待宠物（导盲犬除外）。');
    expect(fused.stdout).toMatch(/semantic provider: pets 0\.\d+/);
    const off = await runInProcess([...args, '--semantic'], {});
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(
      /--semantic needs a provider: settings.faq.semantic, or KFBOT_SEMANTIC_PROVIDER/,
    );
  });
});
