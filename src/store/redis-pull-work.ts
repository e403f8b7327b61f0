/**
 * PullWork across replicas, on Redis Streams with a consumer group:
 *
 * - A verified callback is an entry in the `pulls` stream (and the account's newest token) before
 *   it is acknowledged. Each replica reads entries with XREADGROUP; an entry stays pending until the
 *   pull that covers it succeeds, then it is acknowledged and deleted.
 * - A replica that dies or freezes leaves its entries pending; the others take them over with
 *   XAUTOCLAIM once they have been idle for a lease period (well within the 10 s budget).
 * - A pull runs only under the account's lease: SET NX PX with a token from a per-account counter,
 *   renewed every third of its life. The lease is checked before every API request (retries too), and the cursor write is
 *   fenced by it in Redis, so a replica that paused past its lease neither sends nor moves the cursor.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { backoffDelay } from '../wecom/retry-policy.ts';
import {
  LeaseLostError,
  type PullJob,
  PullRefusedError,
  type PullWork,
  type PullWorkMetrics,
  pullErrorReason,
  reportRefusedPull,
  TOKEN_USABLE_MS,
  whenNoPullRuns,
} from './pull-work.ts';
import type { RedisKeys } from './redis-keys.ts';
import { RedisLease } from './redis-lease.ts';

export interface RedisPullWorkOptions {
  /** How long a lease lives without renewal; also how long an entry must idle before others claim it. */
  leaseMs?: number;
  /** A name for this replica in the consumer group (default: host, pid and a random suffix). */
  consumer?: string;
  /**
   * A consumer (another replica's name) idle this long with nothing pending is removed from the
   * group. Default: 60 leases (5 minutes), far past any pause a live replica survives.
   */
  pruneIdleMs?: number;
  /**
   * KFBOT_REDIS_WAIT_REPLICAS: a callback is answered 200 only once a replica holds its entry, so
   * a failover cannot lose a notice WeCom will not send again.
   */
  replicaWait?: { settle(): Promise<void> };
}

const GROUP = 'pullers';
const RETRY = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 300, maxDelayMs: 10_000 };

/**
 * Every replica's name stays in the consumer group after it dies (each start picks a new one), so
 * the group would grow for ever. Removes consumers idle longer than ARGV[2] with nothing pending,
 * except ARGV[1] (the caller). One script, so no entry can be handed to a consumer between the
 * check and the removal (XGROUP DELCONSUMER drops whatever the consumer still had pending).
 */
const PRUNE = `
local removed = {}
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[3])) do
  local f = {}
  for i = 1, #c, 2 do f[c[i]] = c[i + 1] end
  if f['name'] ~= ARGV[1] and tonumber(f['pending']) == 0 and tonumber(f['idle']) > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[3], f['name'])
    removed[#removed + 1] = f['name']
  end
end
return removed`;
/** How often a replica looks for dead consumers to prune. */
const PRUNE_EVERY_MS = 60_000;

interface AccountWork {
  /** Stream entries for this account that this replica holds, not yet covered by a pull. */
  ids: Set<string>;
  /** Those of them that are nudges for due idle rules, not callback notices. */
  nudges: Set<string>;
  running: Promise<void> | undefined;
  /** Wakes a run that waits, lease held, for work its pulls left running (a new entry arrived). */
  wake?: () => void;
}

/** Whether Redis answered with this error (BUSYGROUP, NOGROUP). */
function redisSays(err: unknown, reply: string): boolean {
  return err instanceof Error && err.message.includes(reply);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RedisPullWork implements PullWork {
  readonly #reader: Redis;
  readonly #consumer: string;
  readonly #leaseMs: number;
  readonly #pruneIdleMs: number;
  readonly #replicaWait: { settle(): Promise<void> } | undefined;
  #prunedAt = 0;
  readonly #accounts = new Map<string, AccountWork>();
  #pull: ((job: PullJob) => Promise<void>) | undefined;
  #stopped = false;
  #loops: Promise<void>[] = [];

  readonly #redis: Redis;
  readonly #keys: RedisKeys;

  constructor(
    /** The store's connection and keyspace: the stream and the leases live beside its records. */
    backend: { redis: Redis; keys: RedisKeys },
    private readonly metrics: PullWorkMetrics,
    private readonly log: Logger,
    private readonly now: () => number,
    options: RedisPullWorkOptions = {},
  ) {
    this.#redis = backend.redis;
    this.#keys = backend.keys;
    // XREADGROUP BLOCK holds its connection: give it one of its own.
    this.#reader = this.#redis.duplicate();
    // duplicate() copies the options, not the listeners: without one, every failed reconnect during
    // an outage prints "[ioredis] Unhandled error event". The main client already logs the outage.
    this.#reader.on('error', () => {});
    this.#consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.#leaseMs = options.leaseMs ?? 5_000;
    this.#pruneIdleMs = options.pruneIdleMs ?? 60 * this.#leaseMs;
    this.#replicaWait = options.replicaWait;
    let away = false;
    this.#redis.on('close', () => {
      away = true;
    });
    this.#redis.on('ready', () => {
      if (!away || this.#stopped) return;
      away = false;
      void this.#recordRefused().then(() => this.#pullAgainAfterOutage());
    });
  }

  /**
   * Sleeps `ms`, or less if Redis comes back meanwhile: after an outage or a Sentinel failover the
   * work resumes at once instead of after a backoff grown while Redis was away.
   */
  #sleepOrRedisBack(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#redis.once('ready', done);
    });
  }

  /** Entries leave the stream once a pull covered them: the first one left is the oldest owed. */
  async oldestPendingAt(): Promise<number | undefined> {
    const [first] = await this.#redis.xrange(this.#keys.pulls(), '-', '+', 'COUNT', 1);
    return first ? Number(first[0].split('-')[0]) : undefined;
  }

  get consumer(): string {
    return this.#consumer;
  }

  async enqueue(openKfId: string, token: string, at: number): Promise<void> {
    try {
      await this.#redis
        .multi()
        .set(this.#keys.pullToken(openKfId), JSON.stringify({ token, at }), 'PX', TOKEN_USABLE_MS)
        .xadd(this.#keys.pulls(), '*', 'open_kfid', openKfId)
        .exec()
        .then((results) => {
          const failed = results?.find(([err]) => err);
          if (!results || failed) throw failed?.[0] ?? new Error('Redis did not run the transaction');
        });
      await this.#replicaWait?.settle();
    } catch (err) {
      this.#refused.set(openKfId, { token, at });
      throw err;
    }
  }

  /**
   * Notices this replica refused (503) because Redis was away. WeCom retries a refused callback
   * only a few times; if a failover outlasts them and every customer of the account is waiting for
   * a reply, no new callback comes. So they are recorded again as soon as Redis is back.
   */
  readonly #refused = new Map<string, { token: string; at: number }>();

  /**
   * After an outage (a failover above all) the promoted replica may lack the last entries of the
   * stream, for callbacks already answered 200 that WeCom will not send again. Each replica asks
   * once more for a pull of every account it has worked on: one sync_msg each, by cursor, and
   * nothing is answered twice (messages are deduplicated by msgid).
   */
  async #pullAgainAfterOutage(): Promise<void> {
    for (const openKfId of this.#accounts.keys()) {
      if (this.#refused.has(openKfId)) continue;
      await this.#redis.xadd(this.#keys.pulls(), '*', 'open_kfid', openKfId).catch(() => {});
    }
  }

  async #recordRefused(): Promise<void> {
    for (const [openKfId, { token, at }] of [...this.#refused]) {
      this.#refused.delete(openKfId);
      await this.enqueue(openKfId, token, at).catch(() => {}); // kept for the next 'ready'
    }
  }

  /** An entry in the pulls stream like a callback's, marked as a nudge (no WeCom read for it alone). */
  async nudge(openKfId: string): Promise<void> {
    await this.#redis.xadd(this.#keys.pulls(), '*', 'open_kfid', openKfId, 'kind', 'idle');
  }

  async start(pull: (job: PullJob) => Promise<void>): Promise<void> {
    this.#pull = pull;
    this.log.info({ consumer: this.#consumer, leaseMs: this.#leaseMs }, 'taking pull work from Redis');
    this.#loops = [this.#readLoop(), this.#claimLoop()];
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#reader.disconnect();
    await Promise.allSettled(this.#loops);
    await whenNoPullRuns(this.#accounts);
  }

  idle(): Promise<void> {
    return whenNoPullRuns(this.#accounts);
  }

  async #ensureGroup(): Promise<void> {
    try {
      // From '0': entries written before any replica created the group are work too.
      await this.#redis.xgroup('CREATE', this.#keys.pulls(), GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!redisSays(err, 'BUSYGROUP')) throw err;
    }
  }

  async #readLoop(): Promise<void> {
    let failures = 0;
    let grouped = false;
    while (!this.#stopped) {
      try {
        if (this.#reader.status === 'wait') await this.#reader.connect();
        if (!grouped) {
          await this.#ensureGroup();
          grouped = true;
        }
        const res = (await this.#reader.xreadgroup(
          'GROUP',
          GROUP,
          this.#consumer,
          'COUNT',
          100,
          'BLOCK',
          1000,
          'STREAMS',
          this.#keys.pulls(),
          '>',
        )) as [string, [string, string[]][]][] | null;
        failures = 0;
        for (const [, entries] of res ?? []) this.#take(entries);
      } catch (err) {
        if (this.#stopped) return;
        failures++;
        if (redisSays(err, 'NOGROUP')) grouped = false;
        if (failures === 1 || failures % 30 === 0) {
          this.log.error({ err, failures }, 'cannot read pull work from Redis; retrying');
        }
        await sleep(Math.min(1000, 100 * failures));
      }
    }
  }

  /** Takes over entries another replica left pending for longer than a lease (it died or froze). */
  async #claimLoop(): Promise<void> {
    while (!this.#stopped) {
      await sleep(Math.min(1000, this.#leaseMs / 2));
      if (this.#stopped) return;
      try {
        const res = (await this.#redis.xautoclaim(
          this.#keys.pulls(),
          GROUP,
          this.#consumer,
          this.#leaseMs,
          '0-0',
          'COUNT',
          500,
        )) as [string, [string, string[]][], string[]?];
        const entries = res[1].filter((e) => !this.#holds(e[0]));
        if (entries.length) {
          this.metrics.workClaimed.inc(entries.length);
          this.log.info({ entries: entries.length }, 'took over pull work another replica left unfinished');
        }
        this.#take(res[1]);
        if (performance.now() - this.#prunedAt >= Math.min(PRUNE_EVERY_MS, this.#pruneIdleMs)) {
          this.#prunedAt = performance.now();
          await this.pruneConsumers();
        }
      } catch (err) {
        if (!redisSays(err, 'NOGROUP')) {
          this.log.debug({ err }, 'could not claim pending pull work');
        }
      }
    }
  }

  /** Removes dead replicas' consumer names (idle far past the lease, nothing pending); returns them. */
  async pruneConsumers(): Promise<string[]> {
    const removed = (await this.#redis.eval(
      PRUNE,
      1,
      this.#keys.pulls(),
      this.#consumer,
      this.#pruneIdleMs,
      GROUP,
    )) as string[];
    if (removed.length) {
      this.log.info({ consumers: removed }, 'removed consumers of replicas gone for a long time');
    }
    return removed;
  }

  #holds(id: string): boolean {
    for (const a of this.#accounts.values()) if (a.ids.has(id)) return true;
    return false;
  }

  #take(entries: [string, string[]][]): void {
    for (const [id, fields] of entries) {
      const openKfId = fields[fields.indexOf('open_kfid') + 1];
      if (!openKfId) continue;
      let work = this.#accounts.get(openKfId);
      if (!work) {
        work = { ids: new Set(), nudges: new Set(), running: undefined };
        this.#accounts.set(openKfId, work);
      }
      work.ids.add(id);
      work.wake?.();
      const kind = fields.indexOf('kind');
      if (kind >= 0 && kind % 2 === 0 && fields[kind + 1] === 'idle') work.nudges.add(id);
    }
    this.#schedule();
  }

  /** Starts a run for every account with entries and none running. */
  #schedule(): void {
    if (this.#stopped) return;
    for (const [openKfId, w] of this.#accounts) {
      if (w.ids.size === 0 || w.running) continue;
      w.running = this.#run(openKfId, w).finally(() => {
        w.running = undefined;
        this.#schedule(); // entries that arrived as the run ended
      });
    }
  }

  async #acquire(openKfId: string): Promise<RedisLease | undefined> {
    const redis = this.#redis;
    const key = this.#keys.lease(openKfId);
    for (let tries = 0; !this.#stopped; tries++) {
      const fence = await redis.incr(this.#keys.fence(openKfId));
      const token = `${this.#consumer}:${fence}`;
      if ((await redis.set(key, token, 'PX', this.#leaseMs, 'NX')) === 'OK') {
        this.log.debug({ open_kfid: openKfId, fence }, 'lease acquired');
        return new RedisLease(redis, openKfId, { key, token }, this.#leaseMs, () => {
          this.metrics.leasesLost.inc();
          this.log.warn({ open_kfid: openKfId }, 'lease lost: another replica took the account over');
        });
      }
      // Another replica is pulling this account; its pull may predate our notice, so wait and
      // pull after it rather than drop the notice.
      await sleep(Math.min(100 * (tries + 1), 500));
    }
    return undefined;
  }

  async #run(openKfId: string, work: AccountWork): Promise<void> {
    const pull = this.#pull;
    if (!pull) return;
    let failures = 0;
    while (work.ids.size > 0 && !this.#stopped) {
      let lease: RedisLease | undefined;
      // Entries covered by a pull that left work running (a backend call, runtime/account-backlog.ts):
      // acknowledged when it is done; until then the lease is held, and a failure leaves them
      // pending, so they are claimed and pulled again.
      const unfinished: Promise<void>[] = [];
      let lost: LeaseLostError | undefined;
      try {
        lease = await this.#acquire(openKfId);
        if (!lease) return;
        const held = lease;
        this.metrics.pendingPulls.inc();
        try {
          while ((work.ids.size > 0 || unfinished.length > 0) && !this.#stopped) {
            if (lost) throw lost;
            if (work.ids.size === 0) {
              await new Promise<void>((resolve) => {
                work.wake = resolve;
                void Promise.race(unfinished).then(resolve);
              });
              delete work.wake;
              continue;
            }
            const covered = [...work.ids];
            const raw = await this.#redis.get(this.#keys.pullToken(openKfId));
            const newest = raw ? (JSON.parse(raw) as { token: string; at: number }) : undefined;
            const token = newest && this.now() - newest.at < TOKEN_USABLE_MS ? newest.token : undefined;
            const notified = covered.some((id) => !work.nudges.has(id));
            let later: Promise<void> | undefined;
            try {
              await pull({
                openKfId,
                token,
                lease,
                notified,
                finishLater: (p) => {
                  later = p;
                },
              });
            } catch (err) {
              // Pulling again cannot succeed: the entries are acknowledged (dropped), not retried.
              if (!(err instanceof PullRefusedError)) throw err;
              reportRefusedPull(err, this.metrics, this.log);
            }
            lease.check(); // a pull that outlived its lease must not acknowledge the work
            for (const id of covered) {
              work.ids.delete(id);
              work.nudges.delete(id);
            }
            const ack = async () => {
              held.check();
              await this.#redis
                .multi()
                .xack(this.#keys.pulls(), GROUP, ...covered)
                .xdel(this.#keys.pulls(), ...covered)
                .exec();
            };
            if (later) {
              const settle: Promise<void> = later
                .then(ack)
                .catch((err: unknown) => {
                  if (err instanceof LeaseLostError) lost ??= err;
                  else
                    this.log.info(
                      { open_kfid: openKfId, reason: (err as Error).message },
                      'pull work left pending: it is claimed and pulled again',
                    );
                })
                .finally(() => unfinished.splice(unfinished.indexOf(settle), 1));
              unfinished.push(settle);
            } else await ack();
            failures = 0;
          }
        } finally {
          // Stopping or failing: the lease is held until the work the pulls left running is done.
          await Promise.allSettled([...unfinished]);
          this.metrics.pendingPulls.dec();
        }
        if (lost) throw lost;
      } catch (err) {
        if (err instanceof LeaseLostError) {
          // The work is not ours any more: the replica that took the lease has the entries too.
          this.log.warn({ open_kfid: openKfId }, err.message);
          work.ids.clear();
          work.nudges.clear();
          return;
        }
        failures++;
        const delay = backoffDelay(Math.min(failures, 10), RETRY);
        this.metrics.pullErrors.inc({ reason: pullErrorReason(err) });
        this.log.error(
          { open_kfid: openKfId, err, retryInMs: delay },
          'pull failed; it stays pending and will be retried',
        );
        await lease?.release();
        lease = undefined;
        await this.#sleepOrRedisBack(delay);
      } finally {
        await lease?.release();
      }
    }
  }
}
