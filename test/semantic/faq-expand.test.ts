import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.ts';
import { ruleDir } from '../rules/helpers.ts';
import { type FakeEmbeddings, startFakeEmbeddings } from '../support/fake-embeddings-server.ts';

let fake: FakeEmbeddings;
let rules: string;
beforeEach(async () => {
  fake = await startFakeEmbeddings({ prefix: '/api/paas/v4', key: 'zp-key' });
  rules = join(ruleDir({ 'rules/hotel.yaml': readFileSync('bench/faq/hotel/rules.yaml', 'utf8') }), 'rules');
});
afterEach(() => fake.close());

const env = () => ({
  KFBOT_SEMANTIC_PROVIDER: 'zhipu',
  KFBOT_SEMANTIC_BASE_URL: fake.url,
  ZHIPUAI_API_KEY: 'zp-key',
});
const reviewFile = () => join(dirname(rules), 'rules.faq-review.yaml');

describe('kfbot faq expand and review', () => {
  it('asks the chat model for more 相似问法, writes them beside the rules, and review shows the colliding ones', async () => {
    fake.chatAnswer = (body) => {
      const user = (body.messages as { content: string }[])[1]?.content ?? '';
      if (!user.includes('可以带宠物吗')) return '[]';
      return '好的：\n```json\n["狗狗能一起住吗", "可以带宠物吗", "早餐几点开始", "带猫入住要加钱吗"]\n```';
    };
    const r = await runInProcess(
      ['faq', 'expand', '--rules', rules, '--item', 'pets', '--count', '3'],
      env(),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.path).toBe('/api/paas/v4/chat/completions');
    expect(fake.requests[0]?.body).toMatchObject({ model: 'glm-4-flash', temperature: 0.7 });
    expect(fake.requests[0]?.authorization).toBe('Bearer zp-key');
    const written = readFileSync(reviewFile(), 'utf8');
    expect(written).toContain('not rules');
    expect(written).toMatch(/- 狗狗能一起住吗\n\s+- 早餐几点开始\n\s+- 带猫入住要加钱吗/);
    expect(written).not.toContain('- 可以带宠物吗');
    // The rules are untouched and still load.
    expect((await runInProcess(['validate', rules])).code).toBe(0);

    const review = await runInProcess(['faq', 'review', '--rules', rules]);
    expect(review.code).toBe(1);
    expect(review.stdout).toMatch(/⚠ collides\s+早餐几点开始\s+→ breakfast/);
    expect(review.stdout).toMatch(/3 proposed: \d new, \d known, 1 colliding with another item/);
  });

  it('says what it needs and writes nothing without a provider', async () => {
    const r = await runInProcess(['faq', 'expand', '--rules', rules], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kfbot faq expand needs an OpenAI-compatible chat model and none is set: .*Nothing was written\.\n$/,
    );
    expect(existsSync(reviewFile())).toBe(false);
    const tei = await runInProcess(['faq', 'expand', '--rules', rules], { KFBOT_SEMANTIC_PROVIDER: 'tei' });
    expect(tei.stderr).toMatch(
      /and KFBOT_SEMANTIC_CHAT_MODEL \(Hugging Face text-embeddings-inference \(local\) has no default chat model\)/,
    );
    const review = await runInProcess(['faq', 'review', '--rules', rules]);
    expect(review.stderr).toMatch(/no review file at .*rules.faq-review.yaml: run kfbot faq expand first/);
    expect(fake.requests).toEqual([]);
  });
});
