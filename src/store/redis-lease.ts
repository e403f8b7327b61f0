/**
 * An account's lease in Redis: SET NX PX with a fencing token, renewed every third of its life.
 * `check()` answers from a local deadline, so it awaits nothing and nothing runs between the check
 * and the send that follows it; the cursor write compares the token in Redis (redis-store.ts).
 */
import type { Redis } from 'ioredis';
import { type Fence, type Lease, LeaseLostError } from './pull-work.ts';

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class RedisLease implements Lease {
  #deadline: number;
  #lost = false;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly openKfId: string,
    readonly fence: Fence,
    leaseMs: number,
    onLost: () => void,
  ) {
    this.#deadline = performance.now() + leaseMs - leaseMs / 5;
    this.#timer = setInterval(async () => {
      const started = performance.now();
      try {
        const ok = await this.redis.eval(RENEW, 1, fence.key, fence.token, leaseMs);
        if (ok === 1) this.#deadline = started + leaseMs - leaseMs / 5;
        else if (!this.#lost) {
          this.#lost = true;
          onLost();
        }
      } catch {
        // Redis unreachable: the local deadline runs out and check() says so.
      }
    }, leaseMs / 3);
    this.#timer.unref();
  }

  /** Awaits nothing, so nothing runs between this check and the send that follows it. */
  async check(): Promise<void> {
    // The local deadline is measured on this process's monotonic clock from before the last
    // successful renewal, so a replica frozen past its lease finds it expired on waking.
    if (this.#lost || performance.now() > this.#deadline) throw new LeaseLostError(this.openKfId);
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#lost) return;
    await this.redis.eval(RELEASE, 1, this.fence.key, this.fence.token).catch(() => {});
  }
}
