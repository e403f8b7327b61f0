/**
 * One account's work that finishes outside its sync_msg page: a backend `call:` and what follows
 * it, and the same customer's later items, which must wait for them.
 *
 * Why: a page's cursor may be stored only when every item before it has its outcome (§9.4), and
 * the next page used to wait for that — so one slow backend held every customer of the account.
 * Now a message that reaches its call is recorded first (status `planned` with the pending call:
 * the plan is durable), its page moves on, and the call runs here, on its customer's chain.
 *
 * - Each customer's deferred work forms a chain: one after another, in the order deferred. While a
 *   customer has a chain, their later items (this page's or the next ones') join it, so replies
 *   still follow messages in order.
 * - Pages are marked in reading order; a page's cursor is stored once the page and every page
 *   before it have nothing left (inline or deferred). The stored cursor therefore never passes a
 *   message whose call has not finished: after a kill -9, or on another replica after a takeover,
 *   the pull reads that page again, the message is found `planned`, and it resumes from its
 *   record — the call's Idempotency-Key and recorded outcome make it happen once.
 * - `readCursor` is where this process reads next while stored cursors lag behind it.
 */
import type { Logger } from 'pino';
import { type Lease, LeaseLostError } from '../store/pull-work.ts';
import type { Store } from '../store/store.ts';

export interface PageMark {
  /** The cursor after this page, once the page's own lanes are done. */
  cursor: string | undefined;
  closed: boolean;
  /** Deferred pieces of work of this page still running or queued. */
  open: number;
}

export interface AccountBacklogDeps {
  openKfId: string;
  store: Store;
  lease: Lease;
  log: Logger;
  /**
   * true: a failure is kept for the pull to throw (it waits for the backlog before it ends, and its
   * retry reads the page again). false: the piece is retried here with backoff, as a failed pull
   * would be, until it succeeds or the process stops; the stored cursor stays before it meanwhile.
   */
  failToPull: boolean;
}

export class AccountBacklog {
  /** Where the next pull of this process reads from, ahead of the stored cursor. */
  readCursor: string | undefined;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #failedKeys = new Set<string>();
  #marks: PageMark[] = [];
  #writes: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | undefined;
  /** A piece failed or was not run: no cursor is stored until the pull reads again (reset). */
  #blocked = false;
  #stopped = false;

  constructor(private readonly d: AccountBacklogDeps) {}

  /** The lease this backlog's cursor writes and calls run under. */
  get lease(): Lease {
    return this.d.lease;
  }

  /** A customer (lane key) with deferred work in flight: their next item must join it. */
  busy(key: string): boolean {
    return this.#chains.has(key);
  }

  get idle(): boolean {
    return this.#chains.size === 0;
  }

  /** Marks a page about to be handled (in reading order). */
  openPage(): PageMark {
    const mark: PageMark = { cursor: undefined, closed: false, open: 0 };
    this.#marks.push(mark);
    return mark;
  }

  /**
   * The page's lanes are done: stores the newest cursor every earlier page allows. Resolves when
   * that write (if any) is done, and rejects with its error.
   */
  closePage(mark: PageMark, cursor: string | undefined): Promise<void> {
    mark.cursor = cursor;
    mark.closed = true;
    return this.#flush();
  }

  /** Runs `work` after the customer's earlier deferred work; the page's cursor waits for it. */
  defer(mark: PageMark, key: string, work: () => Promise<void>): void {
    mark.open++;
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const link: Promise<void> = previous
      .then(async () => {
        // A failed piece stops its customer's chain: later items must not overtake it.
        if (this.#failedKeys.has(key) || this.#stopped) {
          this.#blocked = true; // not run: no cursor may pass it
          return;
        }
        try {
          await this.#attempt(work);
        } catch (error) {
          this.#failedKeys.add(key);
          this.#failure ??= { error };
          this.#blocked = true; // nothing after the failed piece may be stored
        }
      })
      .finally(() => {
        if (this.#chains.get(key) === link) this.#chains.delete(key);
        mark.open--;
        this.#flush().catch((err: unknown) => {
          this.d.log.warn(
            { open_kfid: this.d.openKfId, err: (err as Error).message },
            'could not store the cursor after a call finished; the next page stores it',
          );
          if (this.d.failToPull) this.#failure ??= { error: err };
        });
      });
    this.#chains.set(key, link);
  }

  /** Forgets pages and the read position after a failed pull: the retry reads from the stored cursor. */
  reset(): void {
    this.#marks = [];
    this.readCursor = undefined;
    this.#blocked = false;
  }

  /** Resolves when every piece deferred so far (and every cursor write) has settled. */
  drained(): Promise<void> {
    return Promise.allSettled([...this.#chains.values(), this.#writes]).then(() => {});
  }

  /**
   * Resolves once every piece deferred so far has run to its end; rejects if one failed or was
   * left unrun (stop): then the work is read again later and must not count as covered.
   */
  async finished(): Promise<void> {
    await this.drained();
    if (this.#failure) throw this.#failure.error; // kept for the next pull to see too
    if (this.#blocked) throw new Error('work after a call was left unfinished; it is read again');
  }

  /** Waits until nothing is deferred any more (pieces deferred meanwhile included). */
  async settled(): Promise<void> {
    while (this.#chains.size > 0) await this.drained();
    await this.#writes;
  }

  /** The first failure since the last call, if any (the chains it stopped start afresh). */
  takeFailure(): { error: unknown } | undefined {
    const failure = this.#failure;
    this.#failure = undefined;
    this.#failedKeys.clear();
    return failure;
  }

  /** No more retries; pieces not started are left for the next start to read again. */
  stop(): Promise<void> {
    this.#stopped = true;
    return this.settled();
  }

  async #attempt(work: () => Promise<void>): Promise<void> {
    for (let failures = 1; ; failures++) {
      try {
        await work();
        return;
      } catch (err) {
        if (this.d.failToPull || this.#stopped || err instanceof LeaseLostError) throw err;
        const delay = Math.min(30_000, 500 * 2 ** (failures - 1));
        this.d.log.error(
          { open_kfid: this.d.openKfId, err, retryInMs: delay },
          'a message after its call failed; retrying (the stored cursor stays before it)',
        );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Stores the cursor of the last page that, with every page before it, has nothing left. */
  #flush(): Promise<void> {
    if (this.#blocked) return this.#writes;
    let cursor: string | undefined;
    while (this.#marks[0]?.closed && this.#marks[0].open === 0) {
      cursor = this.#marks.shift()?.cursor ?? cursor;
    }
    if (cursor === undefined) return this.#writes;
    const at = cursor;
    const write = this.#writes.then(() => {
      this.d.lease.check();
      return this.d.store.setCursor(this.d.openKfId, at, this.d.lease.fence);
    });
    this.#writes = write.catch(() => {});
    return write;
  }
}
