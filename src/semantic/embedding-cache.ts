/**
 * Question embeddings, computed once per provider, model and text and kept, so a restart or a
 * rule reload asks the provider only for questions it has not seen (semantic-matcher.ts).
 * Keys are opaque (a hash of provider, model, dimensions and text); values are unit vectors. The
 * store keeps them (Store.embeddings: store/sqlite-embeddings.ts, store/redis-embeddings.ts);
 * memory-embedding-cache.ts keeps them for one command.
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
