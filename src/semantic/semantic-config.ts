/**
 * Which embeddings endpoint the FAQ may ask, from `settings.faq.semantic` in the rules and the
 * KFBOT_SEMANTIC_* environment (environment wins, as everywhere in kfbot). Off unless a provider
 * or a base URL is named: then kfbot makes no network call at all. The key is only ever read from
 * the environment, never from a rule file, and never logged or stored.
 */
import {
  dimensionsRefusal,
  isProviderName,
  PROVIDER_NAMES,
  PROVIDER_PRESETS,
  type ProviderName,
} from './provider-presets.ts';

/** What an operator may set, in the rules (snake_case keys) or the environment. */
export interface SemanticOptions {
  provider?: string;
  baseUrl?: string;
  model?: string;
  chatModel?: string;
  /** The environment variable holding the key (default: the preset's, else KFBOT_SEMANTIC_API_KEY). */
  apiKeyEnv?: string;
  dimensions?: number;
  batchSize?: number;
  /** How long a customer message may wait for its embedding (ms). */
  deadlineMs?: number;
  /** Least cosine similarity for a semantic answer. */
  threshold?: number;
  /** How far the best item's similarity must be ahead of the next item's. */
  margin?: number;
}

export interface SemanticConfig {
  provider?: ProviderName;
  /** For logs and explain: the preset's label, or the base URL's host. */
  label: string;
  baseUrl: string;
  model: string;
  chatModel: string;
  apiKey?: string;
  /** Sent only when set. */
  dimensions?: number;
  batchSize: number;
  deadlineMs: number;
  /** Until a rule set's questions calibrate them (semantic-calibration.ts), unless pinned. */
  threshold: number;
  margin: number;
  /** Which of threshold and margin settings.faq.semantic or the environment set: used as written. */
  pinned: ('threshold' | 'margin')[];
  /** What a stored question vector is keyed by besides its text: provider, model and dimensions. */
  cacheId: string;
}

export const DEFAULT_DEADLINE_MS = 1500;
export const DEFAULT_BATCH_SIZE = 10;
export const DEFAULT_SEMANTIC_THRESHOLD = 0.75;
export const DEFAULT_SEMANTIC_MARGIN = 0.03;
export const FALLBACK_KEY_ENV = 'KFBOT_SEMANTIC_API_KEY';

/** The environment, documented in one place (docs/semantic.md lists the same). */
export const SEMANTIC_ENV = {
  provider: {
    env: 'KFBOT_SEMANTIC_PROVIDER',
    doc: `a preset: ${PROVIDER_NAMES.join(', ')}; "off" turns the rules' setting off`,
  },
  baseUrl: {
    env: 'KFBOT_SEMANTIC_BASE_URL',
    doc: 'the endpoint prefix: POST {base}/embeddings (overrides the preset)',
  },
  model: { env: 'KFBOT_SEMANTIC_MODEL', doc: 'embedding model (default: the preset’s)' },
  chatModel: {
    env: 'KFBOT_SEMANTIC_CHAT_MODEL',
    doc: 'chat model for `kfbot faq expand` (default: the preset’s)',
  },
  apiKeyEnv: {
    env: 'KFBOT_SEMANTIC_KEY_ENV',
    doc: 'name of the variable holding the key (default: the preset’s, e.g. DASHSCOPE_API_KEY)',
  },
  dimensions: { env: 'KFBOT_SEMANTIC_DIMENSIONS', doc: 'vector size to ask for (sent only when set)' },
  batchSize: {
    env: 'KFBOT_SEMANTIC_BATCH_SIZE',
    doc: 'texts per embeddings request (default: the preset’s cap)',
  },
  deadlineMs: {
    env: 'KFBOT_SEMANTIC_DEADLINE_MS',
    doc: 'ms a customer message may wait for its embedding (default 1500)',
  },
  threshold: {
    env: 'KFBOT_SEMANTIC_THRESHOLD',
    doc: 'least cosine similarity for a semantic answer (default 0.75)',
  },
  margin: {
    env: 'KFBOT_SEMANTIC_MARGIN',
    doc: 'how far ahead of the next item the best must be (default 0.03)',
  },
} as const satisfies Record<keyof SemanticOptions, { env: string; doc: string }>;

export interface SemanticProblem {
  /** The option (camelCase) the problem is about. */
  key: keyof SemanticOptions | 'apiKey';
  message: string;
}

const isInt = (n: number | undefined, min: number, max: number) =>
  n !== undefined && Number.isInteger(n) && n >= min && n <= max;

/** Every problem of a set of options, each with how to fix it (no key check: see resolveSemantic). */
export function semanticProblems(o: SemanticOptions): SemanticProblem[] {
  const out: SemanticProblem[] = [];
  const provider = o.provider !== undefined && isProviderName(o.provider) ? o.provider : undefined;
  if (o.provider !== undefined && !provider)
    out.push({
      key: 'provider',
      message: `unknown provider "${o.provider}": one of ${PROVIDER_NAMES.join(', ')}, or give base_url instead`,
    });
  if (o.baseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(o.baseUrl);
    } catch {}
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash)
      out.push({
        key: 'baseUrl',
        message: `base_url "${o.baseUrl}" is not an http(s) URL prefix such as https://dashscope.aliyuncs.com/compatible-mode/v1`,
      });
  }
  if (!provider && o.provider === undefined && o.baseUrl !== undefined && o.model === undefined)
    out.push({
      key: 'model',
      message: 'with base_url and no provider, name the embedding model (model: bge-m3)',
    });
  const cap = provider ? PROVIDER_PRESETS[provider].batchCap : 2048;
  if (o.batchSize !== undefined && !isInt(o.batchSize, 1, cap))
    out.push({
      key: 'batchSize',
      message: `batch_size is a whole number from 1 to ${cap}${provider ? ` (${PROVIDER_PRESETS[provider].label} takes at most ${cap} texts a request)` : ''}, got ${o.batchSize}`,
    });
  if (o.dimensions !== undefined) {
    if (!isInt(o.dimensions, 1, 16384))
      out.push({
        key: 'dimensions',
        message: `dimensions is a whole number from 1 to 16384, got ${o.dimensions}`,
      });
    else {
      const refusal = dimensionsRefusal(
        provider,
        o.model ?? (provider ? PROVIDER_PRESETS[provider].model : ''),
      );
      if (refusal) out.push({ key: 'dimensions', message: `${refusal}: leave dimensions out` });
    }
  }
  if (o.deadlineMs !== undefined && !isInt(o.deadlineMs, 50, 10_000))
    out.push({
      key: 'deadlineMs',
      message: `deadline_ms is a whole number of milliseconds from 50 to 10000, got ${o.deadlineMs}`,
    });
  for (const key of ['threshold', 'margin'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 1))
      out.push({ key, message: `${key} is a number from 0 to 1, got ${v}` });
  }
  if (o.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.apiKeyEnv))
    out.push({
      key: 'apiKeyEnv',
      message: `api_key_env names an environment variable (DASHSCOPE_API_KEY), got "${o.apiKeyEnv}"`,
    });
  return out;
}

function envOptions(env: Readonly<Record<string, string | undefined>>): {
  options: SemanticOptions;
  problems: SemanticProblem[];
} {
  const options: SemanticOptions = {};
  const problems: SemanticProblem[] = [];
  for (const [key, { env: name }] of Object.entries(SEMANTIC_ENV) as [
    keyof SemanticOptions,
    { env: string },
  ][]) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    if (
      key === 'dimensions' ||
      key === 'batchSize' ||
      key === 'deadlineMs' ||
      key === 'threshold' ||
      key === 'margin'
    ) {
      const n = Number(raw);
      if (Number.isFinite(n)) options[key] = n;
      else problems.push({ key, message: `${name} is a number, got "${raw}"` });
    } else options[key] = raw;
  }
  return { options, problems };
}

/**
 * The endpoint to use, or none (off). Problems name the variable or setting to fix; with any
 * problem there is no config: a half-configured provider must not quietly run as off.
 */
export function resolveSemantic(
  file: SemanticOptions | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { config?: SemanticConfig; problems: SemanticProblem[] } {
  const fromEnv = envOptions(env);
  if (fromEnv.options.provider === 'off') return { problems: [] };
  const o: SemanticOptions = { ...file, ...fromEnv.options };
  // An environment base URL without a provider replaces the file's preset, not only its URL.
  if (fromEnv.options.baseUrl !== undefined && fromEnv.options.provider === undefined) delete o.provider;
  if (o.provider === undefined && o.baseUrl === undefined) return { problems: fromEnv.problems };
  const problems = [...fromEnv.problems, ...semanticProblems(o)];
  if (problems.length) return { problems };
  const provider = o.provider as ProviderName | undefined;
  const preset = provider && PROVIDER_PRESETS[provider];
  const baseUrl = (o.baseUrl ?? preset?.base ?? '').replace(/\/+$/, '');
  const keyEnv = o.apiKeyEnv ?? (preset && 'keyEnv' in preset ? preset.keyEnv : undefined);
  const apiKey = (keyEnv && env[keyEnv]?.trim()) || env[FALLBACK_KEY_ENV]?.trim() || undefined;
  if (preset && 'keyEnv' in preset && !apiKey)
    return {
      problems: [
        {
          key: 'apiKey',
          message: `${preset.label} needs a key: set ${keyEnv}${keyEnv === FALLBACK_KEY_ENV ? '' : ` (or ${FALLBACK_KEY_ENV})`} in the environment`,
        },
      ],
    };
  const model = o.model ?? preset?.model ?? '';
  return {
    problems: [],
    config: {
      ...(provider && { provider }),
      label: preset?.label ?? new URL(baseUrl).host,
      baseUrl,
      model,
      chatModel: o.chatModel ?? preset?.chatModel ?? '',
      ...(apiKey && { apiKey }),
      ...(o.dimensions !== undefined && { dimensions: o.dimensions }),
      batchSize: o.batchSize ?? preset?.batchCap ?? DEFAULT_BATCH_SIZE,
      deadlineMs: o.deadlineMs ?? DEFAULT_DEADLINE_MS,
      threshold: o.threshold ?? DEFAULT_SEMANTIC_THRESHOLD,
      margin: o.margin ?? DEFAULT_SEMANTIC_MARGIN,
      pinned: (['threshold', 'margin'] as const).filter((k) => o[k] !== undefined),
      cacheId: `${provider ?? baseUrl}|${model}|${o.dimensions ?? ''}`,
    },
  };
}
