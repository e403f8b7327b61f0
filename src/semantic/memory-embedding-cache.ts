/** An embedding cache in memory, for one-off commands (`kfbot test --faq`, `npm run eval:faq`). */
import type { EmbeddingCache } from './embedding-cache.ts';

export class MemoryEmbeddingCache implements EmbeddingCache {
  readonly #map = new Map<string, Float32Array>();

  async getEmbeddings(keys: readonly string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const k of keys) {
      const v = this.#map.get(k);
      if (v) out.set(k, v);
    }
    return out;
  }

  async putEmbeddings(entries: ReadonlyMap<string, Float32Array>): Promise<void> {
    for (const [k, v] of entries) this.#map.set(k, v);
  }

  async pruneEmbeddings(keep: ReadonlySet<string>): Promise<number> {
    let gone = 0;
    for (const k of [...this.#map.keys()])
      if (!keep.has(k)) {
        this.#map.delete(k);
        gone++;
      }
    return gone;
  }
}
