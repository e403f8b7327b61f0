/**
 * `settings.faq.semantic`: the optional embeddings endpoint the FAQ may ask (docs/semantic.md).
 * Only read and checked here — the rules know nothing of HTTP; the runtime passes the scores in.
 *
 *   settings: { faq: { semantic: { provider: dashscope, model: text-embedding-v4, dimensions: 512 } } }
 */
import { type SemanticOptions, semanticProblems } from '../../semantic/semantic-config.ts';
import { type CompileContext, describeValue, isRecord } from '../compile-context.ts';
import type { YamlPath } from '../rule-source.ts';

/** YAML key → option. */
const KEYS = {
  provider: 'provider',
  base_url: 'baseUrl',
  model: 'model',
  chat_model: 'chatModel',
  api_key_env: 'apiKeyEnv',
  dimensions: 'dimensions',
  batch_size: 'batchSize',
  deadline_ms: 'deadlineMs',
  threshold: 'threshold',
  margin: 'margin',
} as const satisfies Record<string, keyof SemanticOptions>;

const TEXT = new Set<keyof SemanticOptions>(['provider', 'baseUrl', 'model', 'chatModel', 'apiKeyEnv']);

export function readSemanticSettings(
  ctx: CompileContext,
  raw: unknown,
  path: YamlPath,
): SemanticOptions | undefined {
  if (!isRecord(raw)) {
    ctx.error(
      path,
      'settings.faq.semantic is a mapping: { provider, model, dimensions, batch_size, … } (docs/semantic.md)',
    );
    return undefined;
  }
  const out: SemanticOptions = {};
  const keyAt = new Map<keyof SemanticOptions | 'apiKey', YamlPath>();
  for (const [yamlKey, value] of Object.entries(raw)) {
    const at = [...path, yamlKey];
    if (/key$/i.test(yamlKey) && yamlKey !== 'api_key_env') {
      // Rule files are committed and shown in explain: a key written there would leak.
      ctx.error(
        at,
        'never write the API key into a rule file: put it in the environment (api_key_env names the variable)',
        { key: true },
      );
      continue;
    }
    const option = (KEYS as Record<string, keyof SemanticOptions>)[yamlKey];
    if (!option) {
      ctx.unknownKeys({ [yamlKey]: value }, Object.keys(KEYS), path, 'settings.faq.semantic');
      continue;
    }
    keyAt.set(option, at);
    if (TEXT.has(option)) {
      if (typeof value === 'string' && value.trim() !== '')
        (out as Record<string, unknown>)[option] = value.trim();
      else ctx.error(at, `settings.faq.semantic.${yamlKey} is text (got ${describeValue(value)})`);
    } else if (typeof value === 'number') (out as Record<string, unknown>)[option] = value;
    else ctx.error(at, `settings.faq.semantic.${yamlKey} is a number (got ${describeValue(value)})`);
  }
  if (out.provider === undefined && out.baseUrl === undefined)
    ctx.error(path, 'settings.faq.semantic names a provider (dashscope, zhipu, …) or a base_url');
  for (const p of semanticProblems(out))
    ctx.error(keyAt.get(p.key) ?? path, `settings.faq.semantic: ${p.message}`);
  return out;
}
