/**
 * Question embeddings, computed once per provider, model and text and kept, so a restart or a
 * rule reload asks the provider only for questions it has not seen (semantic/question-vectors.ts).
 * Keys are opaque (a hash of provider, model, dimensions and text); values are unit vectors.
 *
 * Stored as one format byte then little-endian float32s: a value in a format this kfbot does not
 * know is read as missing (and recomputed), never as numbers.
 */
export interface EmbeddingCache {
  /** The stored vectors among `keys`; missing ones are absent from the map. */
  getEmbeddings(keys: readonly string[]): Promise<Map<string, Float32Array>>;
  putEmbeddings(entries: ReadonlyMap<string, Float32Array>): Promise<void>;
  /**
   * Deletes every stored vector whose key is not in `keep` (questions no longer in the rules, a
   * model no longer used); resolves to how many went.
   */
  pruneEmbeddings(keep: ReadonlySet<string>): Promise<number>;
}

const FORMAT = 1;

export function encodeEmbedding(v: Float32Array): Buffer {
  const out = Buffer.alloc(1 + v.length * 4);
  out[0] = FORMAT;
  for (let i = 0; i < v.length; i++) out.writeFloatLE(v[i] as number, 1 + i * 4);
  return out;
}

export function decodeEmbedding(b: Buffer): Float32Array | undefined {
  if (b.length < 5 || b[0] !== FORMAT || (b.length - 1) % 4 !== 0) return undefined;
  const v = new Float32Array((b.length - 1) / 4);
  for (let i = 0; i < v.length; i++) v[i] = b.readFloatLE(1 + i * 4);
  return v;
}
