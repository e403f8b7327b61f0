/**
 * What the pipeline does with a stored record it cannot read (stored-records.ts): keeps it aside
 * in the store with its key and the reason, says so in an error log line naming the key, and goes
 * on — one bad record never stops an account's pull, and is never silently dropped. A record from
 * a newer kfbot is not set aside: the error stops this pull untouched, for a newer replica.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import { UnreadableRecordError } from '../store/stored-records.ts';

/** Runs `read`; if what it reads is unreadable, sets it aside and returns `fallback()` instead. */
export async function readOrSetAside<T>(
  store: Store,
  log: Logger,
  read: () => Promise<T>,
  fallback: (err: UnreadableRecordError) => T | Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof UnreadableRecordError)) throw err;
    await store.keepAside(err.key, err.raw, err.reason);
    log.error(
      { key: err.key, reason: err.reason },
      `stored record ${err.key} cannot be read (${err.reason}); kept aside in the store, going on without it`,
    );
    return fallback(err);
  }
}
