/**
 * A report only reads: it never creates a store, never migrates one. These are the ways a store
 * named for reading can be unusable, each one sentence that says what to do.
 */
import { StoreOpenError } from './store-open-error.ts';
import { NewerStoreError } from './store-version.ts';

/** Nothing kfbot wrote is at the place named (a typo in --store, a store serve never used). */
export class NoStoreError extends StoreOpenError {
  override readonly name = 'NoStoreError';
  constructor(readonly store: string) {
    super(
      `no kfbot store at ${store} yet (kfbot serve creates it on its first start; nothing was created now): point at the one serve uses with --store URL or KFBOT_STORE`,
    );
  }
}

/** A store an older kfbot wrote: this one reads it only after `serve` has migrated it. */
export class OlderStoreError extends StoreOpenError {
  override readonly name = 'OlderStoreError';
  constructor(store: string, version: number, known: number) {
    super(
      `${store} has schema version ${version}, older than this kfbot's ${known}; start kfbot serve once with this store (it upgrades it on start), then run the report again; nothing was changed`,
    );
  }
}

/** Throws unless a store at `version` (`empty`: nothing of kfbot's in it) can be read as it is. */
export function checkReadable(store: string, version: number, known: number, empty: boolean): void {
  if (version > known) throw new NewerStoreError(store, version, known);
  if (version === 0 && empty) throw new NoStoreError(store);
  if (version === 0)
    throw new StoreOpenError(
      `${store} is not a kfbot store (it holds data kfbot did not write); check --store / KFBOT_STORE`,
    );
  if (version < known) throw new OlderStoreError(store, version, known);
}
