/**
 * The API budget shared by every replica (api-budget.ts): per API, one Redis hash per window
 * counting calls per bucket, and a pause key set on 45009/45033. One Lua script checks every
 * window and counts the call atomically, on Redis's clock (TIME), so replicas whose clocks differ
 * still count in the same buckets. Each replica orders its own waiting calls by deadline.
 */
import type { Redis } from 'ioredis';
import { type ApiBudget, BUCKETS_PER_WINDOW } from '../wecom/api-budget.ts';
import { BudgetQueue } from '../wecom/budget-queue.ts';
import type { RateLimitSpec } from '../wecom/rate-limit-spec.ts';
import type { RedisKeys } from './redis-keys.ts';

// KEYS[1] the pause key, KEYS[1+i] window i's hash. ARGV[1] windows, then max and windowMs each.
// Returns 0 when the call was counted, else ms to wait. Mirrors SlidingBuckets.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[1])
if paused > 0 then return paused end
local n = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
local wait = 0
for i = 1, n do
  local max = tonumber(ARGV[1 + 2 * i])
  local bucketMs = tonumber(ARGV[2 + 2 * i]) / span
  local current = math.floor(now / bucketMs)
  local flat = redis.call('HGETALL', KEYS[1 + i])
  local sum = 0
  local oldest = nil
  for j = 1, #flat, 2 do
    local bucket = tonumber(flat[j])
    if bucket < current - span then
      redis.call('HDEL', KEYS[1 + i], flat[j])
    else
      sum = sum + tonumber(flat[j + 1])
      if oldest == nil or bucket < oldest then oldest = bucket end
    end
  end
  if sum >= max then
    local free = math.ceil((oldest + span + 1) * bucketMs - now)
    if free < 1 then free = 1 end
    if free > wait then wait = free end
  end
end
if wait > 0 then return wait end
for i = 1, n do
  local windowMs = tonumber(ARGV[2 + 2 * i])
  local bucketMs = windowMs / span
  redis.call('HINCRBY', KEYS[1 + i], math.floor(now / bucketMs), 1)
  redis.call('PEXPIRE', KEYS[1 + i], math.ceil(windowMs + 2 * bucketMs))
end
return 0`;

// Lengthens the pause, never shortens it.
const PAUSE = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1`;

export class RedisApiBudget implements ApiBudget {
  readonly #queues = new Map<string, BudgetQueue>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly limits: readonly RateLimitSpec[],
    private readonly now: () => number = Date.now,
  ) {}

  take(api: string, deadline?: number): Promise<boolean> {
    let queue = this.#queues.get(api);
    if (!queue) {
      const keys = [
        this.keys.budgetPause(api),
        ...this.limits.map((l) => this.keys.budgetWindow(api, l.windowMs)),
      ];
      const args = [
        this.limits.length,
        BUCKETS_PER_WINDOW,
        ...this.limits.flatMap((l) => [l.max, l.windowMs]),
      ];
      queue = new BudgetQueue(
        api,
        async () => Number(await this.redis.eval(TAKE, keys.length, ...keys, ...args)),
        this.now,
      );
      this.#queues.set(api, queue);
    }
    return queue.take(deadline);
  }

  async pause(api: string, until: number): Promise<void> {
    const ms = Math.ceil(until - this.now());
    if (ms > 0) await this.redis.eval(PAUSE, 1, this.keys.budgetPause(api), ms);
  }

  close(): void {
    for (const q of this.#queues.values()) q.close();
  }
}
