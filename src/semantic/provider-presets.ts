/**
 * The OpenAI-compatible embedding and chat providers Chinese operators use, and each one's quirks,
 * so an operator names a provider and kfbot sends what it accepts (docs/semantic.md; the facts and
 * their sources are in the table of ../shared/semantic-providers.md).
 *
 * What is not portable beyond `{model, input: [...]}`:
 * - `dimensions`: sent only when configured, and refused up front where the provider has no such
 *   field (TEI) or documents none (Qianfan, Ark, Hunyuan) — a 400 at run time would open the breaker.
 * - `encoding_format`: the official SDKs default to base64; DashScope, Qianfan and Ark document
 *   float only, so kfbot always asks for "float" (and still decodes a base64 answer).
 * - batch caps: 10 DashScope, 16 Qianfan, 32 TEI, 64 Zhipu, 1 Hunyuan — `batch_size` defaults to
 *   the preset's cap and may not exceed it.
 * - path prefixes differ (/compatible-mode/v1, /api/paas/v4, /v2, /api/v3): the base is a full prefix.
 */

export interface ProviderPreset {
  /** `{base}/embeddings` and `{base}/chat/completions`. */
  base: string;
  /** Embedding model used when none is configured. */
  model: string;
  /** Chat model `kfbot faq expand` uses when none is configured. */
  chatModel: string;
  /** Largest number of texts one embeddings request may carry. */
  batchCap: number;
  /** Whether the provider accepts a `dimensions` field (for some of its models). */
  dimensions: boolean;
  /** The environment variable holding the key, unless settings name another; undefined: no key needed. */
  keyEnv?: string;
  label: string;
}

export const PROVIDER_PRESETS = {
  dashscope: {
    label: 'Alibaba 百炼 / DashScope (compatible mode)',
    base: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
    model: 'text-embedding-v4',
    chatModel: 'qwen-plus',
    batchCap: 10,
    dimensions: true,
    keyEnv: 'DASHSCOPE_API_KEY',
  },
  zhipu: {
    label: '智谱 Zhipu BigModel',
    base: 'https://open.bigmodel.cn/api/paas/v4',
    model: 'embedding-3',
    chatModel: 'glm-4-flash',
    batchCap: 64,
    dimensions: true,
    keyEnv: 'ZHIPUAI_API_KEY',
  },
  qianfan: {
    label: 'Baidu 千帆 (v2)',
    base: 'https://qianfan.baidubce.com/v2',
    model: 'bge-large-zh',
    chatModel: 'ernie-speed-128k',
    batchCap: 16,
    dimensions: false,
    keyEnv: 'QIANFAN_API_KEY',
  },
  siliconflow: {
    label: 'SiliconFlow 硅基流动',
    base: 'https://api.siliconflow.cn/v1',
    model: 'BAAI/bge-m3',
    chatModel: 'Qwen/Qwen2.5-7B-Instruct',
    batchCap: 32,
    // Only its Qwen3-Embedding models take it; bge-m3 answers 400 (checked per model below).
    dimensions: true,
    keyEnv: 'SILICONFLOW_API_KEY',
  },
  ark: {
    label: 'Volcengine 方舟 Ark',
    base: 'https://ark.cn-beijing.volces.com/api/v3',
    model: 'doubao-embedding-large-text-240915',
    chatModel: 'doubao-1-5-lite-32k-250115',
    batchCap: 16,
    dimensions: false,
    keyEnv: 'ARK_API_KEY',
  },
  hunyuan: {
    label: 'Tencent 混元 (OpenAI-compatible)',
    base: 'https://api.hunyuan.cloud.tencent.com/v1',
    model: 'hunyuan-embedding',
    chatModel: 'hunyuan-lite',
    batchCap: 1,
    dimensions: false,
    keyEnv: 'HUNYUAN_API_KEY',
  },
  ollama: {
    label: 'Ollama (local)',
    base: 'http://127.0.0.1:11434/v1',
    model: 'bge-m3',
    chatModel: 'qwen2.5:7b',
    batchCap: 64,
    dimensions: true,
  },
  tei: {
    label: 'Hugging Face text-embeddings-inference (local)',
    base: 'http://127.0.0.1:8080/v1',
    model: 'BAAI/bge-m3',
    chatModel: '',
    batchCap: 32,
    dimensions: false,
  },
} as const satisfies Record<string, ProviderPreset>;

export type ProviderName = keyof typeof PROVIDER_PRESETS;

export const PROVIDER_NAMES = Object.keys(PROVIDER_PRESETS) as ProviderName[];

export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(PROVIDER_PRESETS, name);
}

/** Why a preset refuses `dimensions` for a model, or undefined when it may be sent. */
export function dimensionsRefusal(provider: ProviderName | undefined, model: string): string | undefined {
  if (provider === undefined) return undefined;
  const preset: ProviderPreset = PROVIDER_PRESETS[provider];
  if (!preset.dimensions) return `${preset.label} takes no dimensions field`;
  if (provider === 'siliconflow' && !/qwen3-embedding/i.test(model))
    return `SiliconFlow takes dimensions only for its Qwen3-Embedding models (${model} answers 400)`;
  return undefined;
}
