import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/semantic/circuit-breaker.ts';
import { EmbeddingsClient } from '../../src/semantic/embeddings-client.ts';
import { resolveSemantic, type SemanticConfig } from '../../src/semantic/semantic-config.ts';
import type { SemanticError } from '../../src/semantic/semantic-error.ts';
import { type FakeEmbeddings, startFakeEmbeddings } from '../support/fake-embeddings-server.ts';

let fake: FakeEmbeddings;
afterEach(() => fake?.close());

function config(env: Record<string, string>): SemanticConfig {
  const { config, problems } = resolveSemantic(undefined, env);
  if (!config) throw new Error(problems.map((p) => p.message).join('; '));
  return config;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
const soon = () => Date.now() + 5000;
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as SemanticError,
  );

describe('EmbeddingsClient against a strict fake provider', () => {
  it('batches at the preset cap, asks for float, sends the key only in the header and gives unit vectors that know 泰迪 is a dog', async () => {
    fake = await startFakeEmbeddings({
      prefix: '/compatible-mode/v1',
      key: 'sk-secret',
      faults: { maxBatch: 10 },
    });
    const c = config({
      KFBOT_SEMANTIC_PROVIDER: 'dashscope',
      KFBOT_SEMANTIC_BASE_URL: fake.url,
      DASHSCOPE_API_KEY: 'sk-secret',
    });
    expect(c.batchSize).toBe(10);
    const texts = Array.from({ length: 23 }, (_, i) => `问题${i}`);
    texts[0] = '泰迪能带吗';
    texts[1] = '可以带宠物吗';
    texts[2] = '地库能停车吗';
    const vectors = await new EmbeddingsClient(c).embed(texts, { deadline: soon() });
    expect(vectors).toHaveLength(23);
    expect(fake.requests.map((r) => (r.body.input as string[]).length)).toEqual([10, 10, 3]);
    expect(fake.requests[0]?.body).toEqual({
      model: 'text-embedding-v4',
      input: texts.slice(0, 10),
      encoding_format: 'float',
    });
    expect(fake.requests[0]?.authorization).toBe('Bearer sk-secret');
    const [teddy, pet, parking] = vectors as [Float32Array, Float32Array, Float32Array];
    expect(dot(teddy, teddy)).toBeCloseTo(1, 5);
    expect(dot(teddy, pet)).toBeGreaterThan(0.75);
    expect(dot(teddy, parking)).toBeLessThan(0.5);
  });

  it('puts shuffled rows back by index, decodes base64 answers, and sends dimensions only when set', async () => {
    fake = await startFakeEmbeddings({ faults: { shuffle: true, base64: true } });
    const base = { KFBOT_SEMANTIC_BASE_URL: fake.url, KFBOT_SEMANTIC_MODEL: 'bge-m3' };
    const plain = await new EmbeddingsClient(config(base)).embed(['地库', '停车场在哪', '早餐几点'], {
      deadline: soon(),
    });
    const sized = await new EmbeddingsClient(config({ ...base, KFBOT_SEMANTIC_DIMENSIONS: '64' })).embed(
      ['地库'],
      {
        deadline: soon(),
      },
    );
    expect(fake.requests[0]?.body).not.toHaveProperty('dimensions');
    expect(fake.requests[1]?.body.dimensions).toBe(64);
    expect(sized[0]).toHaveLength(64);
    const [garage, parking, breakfast] = plain as [Float32Array, Float32Array, Float32Array];
    expect(dot(garage, parking)).toBeGreaterThan(dot(garage, breakfast));
    expect(dot(garage, parking)).toBeGreaterThan(0.45);
  });

  it('refuses vectors of the wrong size with a message saying what to change', async () => {
    fake = await startFakeEmbeddings({ faults: { wrongDimensions: 96 } });
    const c = config({
      KFBOT_SEMANTIC_BASE_URL: fake.url,
      KFBOT_SEMANTIC_MODEL: 'm',
      KFBOT_SEMANTIC_DIMENSIONS: '64',
    });
    const e = await failure(new EmbeddingsClient(c).embed(['早餐'], { deadline: soon() }));
    expect(e.code).toBe('dimensions');
    expect(e.message).toMatch(
      /answered 96-dimensional vectors where 64 were asked for .*set dimensions to what the model gives/,
    );
  });

  it('passes a provider 400 on (too large a batch) without the key, and an unreachable base as a network error', async () => {
    fake = await startFakeEmbeddings({ key: 'sk-secret', faults: { maxBatch: 2 } });
    const c = config({
      KFBOT_SEMANTIC_BASE_URL: fake.url,
      KFBOT_SEMANTIC_MODEL: 'm',
      KFBOT_SEMANTIC_API_KEY: 'sk-secret',
    });
    const e = await failure(new EmbeddingsClient(c).embed(['a', 'b', 'c'], { deadline: soon() }));
    expect(e.code).toBe('api');
    expect(e.message).toMatch(
      /^127.0.0.1:\d+ answered 400: batch size is invalid, it should not be larger than 2.: input.contents$/,
    );
    const wrongKey = { ...c, apiKey: 'sk-wrong' };
    const denied = await failure(new EmbeddingsClient(wrongKey).embed(['a'], { deadline: soon() }));
    expect(denied.message).toMatch(/answered 401: .*check the key/);
    expect(denied.message).not.toMatch(/sk-/);
    const gone = await failure(
      new EmbeddingsClient({ ...c, baseUrl: 'http://127.0.0.1:1/v1' }).embed(['a'], { deadline: soon() }),
    );
    expect(gone.code).toBe('network');
  });

  it('waits out a 429 when its Retry-After fits the deadline, and gives up at once when it does not', async () => {
    fake = await startFakeEmbeddings({ faults: { rateLimited: 1, retryAfter: '0.2' } });
    const c = config({ KFBOT_SEMANTIC_BASE_URL: fake.url, KFBOT_SEMANTIC_MODEL: 'm' });
    const t0 = Date.now();
    expect(await new EmbeddingsClient(c).embed(['早餐'], { deadline: soon() })).toHaveLength(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(fake.requests).toHaveLength(2);
    fake.faults = { rateLimited: 2, retryAfter: '30' };
    const t1 = Date.now();
    const e = await failure(new EmbeddingsClient(c).embed(['早餐'], { deadline: Date.now() + 1500 }));
    expect(e.code).toBe('rate-limited');
    expect(e.message).toMatch(/429 \(rate limited, retry after 30 s\)/);
    expect(Date.now() - t1).toBeLessThan(1000);
  });

  it('gives up a slow provider at the deadline', async () => {
    fake = await startFakeEmbeddings({ faults: { slowMs: 2000 } });
    const c = config({ KFBOT_SEMANTIC_BASE_URL: fake.url, KFBOT_SEMANTIC_MODEL: 'm' });
    const t0 = Date.now();
    const e = await failure(new EmbeddingsClient(c).embed(['早餐'], { deadline: Date.now() + 300 }));
    expect(e.code).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('CircuitBreaker', () => {
  it('opens after repeated failures, lets one trial through after the cooldown, and closes on its success', () => {
    let now = 0;
    const b = new CircuitBreaker({ failures: 3, cooldownMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(b.allow()).toBe(true);
      b.failure();
    }
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    now = 1000;
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
    b.failure();
    expect(b.state).toBe('open');
    now = 2000;
    expect(b.allow()).toBe(true);
    b.success();
    expect(b.state).toBe('closed');
  });
});
