/**
 * How the store keeps a question embedding (semantic/embedding-cache.ts): one format byte then
 * little-endian float32s. A value in a format this kfbot does not know is read as missing (and
 * recomputed), never as numbers.
 */
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
