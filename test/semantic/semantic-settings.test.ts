import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load-rules.ts';
import { resolveSemantic } from '../../src/semantic/semantic-config.ts';
import { ruleDir } from '../rules/helpers.ts';

const rules = (semantic: string) => `
settings:
  faq:
    semantic: ${semantic}
faq:
  - id: parking
    questions: [有停车场吗]
    reply: 地下车库免费停车
`;

const load = (semantic: string) => loadRules(ruleDir({ 'rules.yaml': rules(semantic) }));
const problems = (semantic: string) =>
  load(semantic)
    .problems.map((p) => `${p.line}: ${p.message}`)
    .join('\n');

describe('settings.faq.semantic', () => {
  it('is off when neither the rules nor the environment name a provider: no endpoint at all', () => {
    const set = loadRules(
      ruleDir({ 'rules.yaml': rules('{ provider: dashscope }').replace(/ {4}semantic.*\n/, '') }),
    );
    expect(set.ruleSet?.faq?.semantic).toBeUndefined();
    expect(resolveSemantic(undefined, {})).toEqual({ problems: [] });
  });

  it('reads a preset and fills in its base, model, batch cap and key variable', () => {
    const set = load('{ provider: dashscope, dimensions: 512 }').ruleSet;
    expect(set?.faq?.semantic).toEqual({ provider: 'dashscope', dimensions: 512 });
    const { config, problems: p } = resolveSemantic(set?.faq?.semantic, { DASHSCOPE_API_KEY: 'sk-test' });
    expect(p).toEqual([]);
    expect(config).toMatchObject({
      baseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
      model: 'text-embedding-v4',
      batchSize: 10,
      dimensions: 512,
      apiKey: 'sk-test',
      deadlineMs: 1500,
    });
  });

  it('refuses a key written into the rules, an unknown provider, a batch over the cap and refused dimensions', () => {
    const out = problems('{ provider: dashscop, api_key: sk-123, batch_size: 50 }');
    expect(out).toMatch(/never write the API key into a rule file/);
    expect(out).toMatch(/unknown provider "dashscop"/);
    expect(problems('{ provider: dashscope, batch_size: 50 }')).toMatch(
      /batch_size is a whole number from 1 to 10 \(Alibaba/,
    );
    expect(problems('{ provider: tei, dimensions: 256 }')).toMatch(
      /takes no dimensions field: leave dimensions out/,
    );
    expect(problems('{ provider: siliconflow, dimensions: 256 }')).toMatch(
      /only for its Qwen3-Embedding models/,
    );
    expect(problems('{ provider: siliconflow, model: Qwen/Qwen3-Embedding-8B, dimensions: 256 }')).toBe('');
    expect(problems('{ base_url: "ftp://x" }')).toMatch(
      /base_url "ftp:\/\/x" is not an http\(s\) URL prefix/,
    );
    expect(problems('{ model: bge-m3 }')).toMatch(/names a provider \(dashscope, zhipu, …\) or a base_url/);
    expect(problems('{ provider: ollama, colour: red }')).toMatch(
      /unknown key "colour" in settings.faq.semantic/,
    );
  });

  it('takes the environment over the rules, and says which variable holds a missing key', () => {
    const file = { provider: 'dashscope' };
    expect(resolveSemantic(file, {}).problems[0]?.message).toBe(
      'Alibaba 百炼 / DashScope (compatible mode) needs a key: set DASHSCOPE_API_KEY (or KFBOT_SEMANTIC_API_KEY) in the environment',
    );
    expect(resolveSemantic(file, { KFBOT_SEMANTIC_PROVIDER: 'off' })).toEqual({ problems: [] });
    const local = resolveSemantic(file, {
      KFBOT_SEMANTIC_BASE_URL: 'http://127.0.0.1:9000/v1/',
      KFBOT_SEMANTIC_MODEL: 'bge-m3',
      KFBOT_SEMANTIC_BATCH_SIZE: '4',
    });
    expect(local.config).toMatchObject({
      baseUrl: 'http://127.0.0.1:9000/v1',
      model: 'bge-m3',
      batchSize: 4,
    });
    expect(local.config?.apiKey).toBeUndefined();
    expect(
      resolveSemantic(undefined, { KFBOT_SEMANTIC_PROVIDER: 'zhipu', KFBOT_SEMANTIC_BATCH_SIZE: 'ten' })
        .problems[0]?.message,
    ).toBe('KFBOT_SEMANTIC_BATCH_SIZE is a number, got "ten"');
  });
});
