/**
 * kfbot's Prometheus metrics (GET /metrics). Labels carry rule names, APIs, errcodes and kinds —
 * never a customer id, a message text or a credential.
 */
import Counter from 'prom-client/lib/counter.js';
import Gauge from 'prom-client/lib/gauge.js';
import Histogram from 'prom-client/lib/histogram.js';
import Registry from 'prom-client/lib/registry.js';
import { collectDefaultMetrics } from './default-metrics.ts';

/**
 * prom-client's own modules, imported one by one: its index also loads what kfbot does not use
 * (Summary, the Pushgateway with https and zlib, cluster aggregation with cluster, child_process
 * and dgram), ~30 ms and ~2 MB of every start-up. Imported, not required, so that the build
 * bundles them (scripts/build.mjs). metrics.test.ts checks they are still the classes the package
 * exports.
 */
export const promClient = { Registry, Counter, Gauge, Histogram };

export class KfbotMetrics {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics(Counter, { register: this.registry, prefix: 'kfbot_' });
  }

  readonly callbacks = new Counter({
    name: 'kfbot_callbacks_total',
    help: 'Callbacks received, by result (accepted, ignored, verified, stale, bad_signature, bad_request, too_large, unavailable)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly messages = new Counter({
    name: 'kfbot_messages_total',
    help: 'sync_msg items handled, by kind and outcome (answered, duplicate, skipped, history, unknown)',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly ruleHits = new Counter({
    name: 'kfbot_rule_hits_total',
    help: 'Rules that matched, by rule name',
    labelNames: ['rule'],
    registers: [this.registry],
  });
  readonly ruleMisses = new Counter({
    name: 'kfbot_rule_misses_total',
    help: 'Customer messages no ordinary rule answered',
    registers: [this.registry],
  });
  readonly unanswered = new Counter({
    name: 'kfbot_unanswered_questions_total',
    help: 'Customer texts no ordinary rule answered (only a fallback did): see kfbot report unanswered',
    registers: [this.registry],
  });
  readonly faqMatches = new Counter({
    name: 'kfbot_faq_matches_total',
    help: 'Typed customer texts the FAQ matcher looked at, by outcome (answered, clarified, suggested: a 猜你想问 menu was sent, unmatched)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly faqSemantic = new Counter({
    name: 'kfbot_faq_semantic_total',
    help: 'Typed texts the semantic provider was asked about, by outcome (fused; timeout, error, rate-limited, circuit-open, not-ready: the lexical decision stood)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly faqSemanticSeconds = new Histogram({
    name: 'kfbot_faq_semantic_duration_seconds',
    help: 'Time the semantic provider added to a typed text it answered for',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5],
    registers: [this.registry],
  });
  readonly sends = new Counter({
    name: 'kfbot_sends_total',
    help: 'WeCom calls made to answer messages, by API and errcode (0 = accepted)',
    labelNames: ['api', 'errcode'],
    registers: [this.registry],
  });
  readonly dropped = new Counter({
    name: 'kfbot_dropped_actions_total',
    help: 'Replies not sent because WeCom would refuse them, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'kfbot_api_rate_limited_total',
    help: 'Calls WeCom refused for its frequency (45009) or concurrency (45033) limit, by API and errcode; the work was kept and the API paused',
    labelNames: ['api', 'errcode'],
    registers: [this.registry],
  });
  readonly sendFailures = new Counter({
    name: 'kfbot_msg_send_fail_total',
    help: 'msg_send_fail events (a sent message did not reach the customer), by fail_type',
    labelNames: ['fail_type'],
    registers: [this.registry],
  });
  readonly pullErrors = new Counter({
    name: 'kfbot_pull_errors_total',
    help: 'Pulls that failed and will be retried, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly pullsRefused = new Counter({
    name: 'kfbot_pulls_refused_total',
    help: 'Pulls WeCom refused for good (e.g. 95004, an account this corp does not manage): the notice was dropped, not retried; by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly unmanagedAccountCallbacks = new Counter({
    name: 'kfbot_unmanaged_account_callbacks_total',
    help: 'Verified callbacks naming a 客服 account kf/account/list does not give this app to manage (pulled all the same: WeCom decides)',
    registers: [this.registry],
  });
  readonly cursorResets = new Counter({
    name: 'kfbot_cursor_resets_total',
    help: 'Accounts read again from the start of WeCom history because sync_msg refused the stored cursor',
    registers: [this.registry],
  });
  readonly workClaimed = new Counter({
    name: 'kfbot_work_claimed_total',
    help: 'Pull work taken over from a replica that died or froze (Redis mode)',
    registers: [this.registry],
  });
  readonly replicaWaitSeconds = new Histogram({
    name: 'kfbot_redis_replica_wait_seconds',
    help: 'Time WAIT took for Redis replicas before a WeCom call (KFBOT_REDIS_WAIT_REPLICAS)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
    registers: [this.registry],
  });
  readonly replicaWaitShortfalls = new Counter({
    name: 'kfbot_redis_replica_wait_shortfalls_total',
    help: 'WAITs the Redis replicas did not acknowledge in time; kfbot then answers without waiting for 10 s',
    registers: [this.registry],
  });
  /** Read when /metrics is scraped; the app sets them once the store is open. */
  probes: { storeUp?: () => Promise<boolean>; oldestPendingAt?: () => Promise<number | undefined> } = {};
  readonly storeUp = new Gauge({
    name: 'kfbot_store_up',
    help: 'Whether the store (SQLite or Redis) answered a ping at this scrape: 1 up, 0 down',
    registers: [this.registry],
    collect: async () => {
      this.storeUp.set((await this.probes.storeUp?.()) === false ? 0 : 1);
    },
  });
  readonly backlogAge = new Gauge({
    name: 'kfbot_backlog_oldest_seconds',
    help: 'Age of the oldest callback notice no pull has covered yet (0: none owed); with Redis, for all replicas',
    registers: [this.registry],
    collect: async () => {
      const at = await this.probes.oldestPendingAt?.().catch(() => undefined);
      this.backlogAge.set(at === undefined ? 0 : Math.max(0, (Date.now() - at) / 1000));
    },
  });
  readonly leasesLost = new Counter({
    name: 'kfbot_leases_lost_total',
    help: 'Account leases this replica lost to another (Redis mode): it stopped pulling that account',
    registers: [this.registry],
  });
  readonly rulesReloads = new Counter({
    name: 'kfbot_rules_reloads_total',
    help: 'Rule reloads, by result (ok, invalid)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly pendingPulls = new Gauge({
    name: 'kfbot_pulls_in_progress',
    help: 'Accounts being pulled right now',
    registers: [this.registry],
  });
  readonly lanesBusy = new Gauge({
    name: 'kfbot_lanes_busy',
    help: "Customers of an account whose messages this replica is handling right now (a pull's lanes in use, at most kfbot_lanes_per_account), by account; an account is listed only while busy",
    labelNames: ['open_kfid'],
    registers: [this.registry],
  });
  readonly lanesPerAccount = new Gauge({
    name: 'kfbot_lanes_per_account',
    help: 'KFBOT_CONCURRENCY: customers of one account a pull answers at once',
    registers: [this.registry],
  });
  readonly #lanes = new Map<string, number>();
  /**
   * A lane of `openKfId` starts handling an item; the returned function says it ended. An account
   * with no lane busy leaves the gauge, so 500 quiet accounts add no series.
   */
  laneBusy(openKfId: string): () => void {
    this.#lanes.set(openKfId, (this.#lanes.get(openKfId) ?? 0) + 1);
    this.lanesBusy.inc({ open_kfid: openKfId });
    return () => {
      const left = (this.#lanes.get(openKfId) ?? 1) - 1;
      if (left > 0) {
        this.#lanes.set(openKfId, left);
        this.lanesBusy.dec({ open_kfid: openKfId });
      } else {
        this.#lanes.delete(openKfId);
        this.lanesBusy.remove({ open_kfid: openKfId });
      }
    };
  }
  readonly pullSeconds = new Histogram({
    name: 'kfbot_pull_duration_seconds',
    help: 'Time to pull and answer everything new for one account',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly decisionSeconds = new Histogram({
    name: 'kfbot_decision_duration_seconds',
    help: 'Time for the rules to decide one message',
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly backendCalls = new Counter({
    name: 'kfbot_calls_total',
    help: "Rules' call: actions to the company's own systems, by call name and outcome (ok, a status code, timeout, refused, not_json, too_large, redirect, host_not_allowed, env_missing, interrupted)",
    labelNames: ['call', 'outcome'],
    registers: [this.registry],
  });
  readonly backendCallSeconds = new Histogram({
    name: 'kfbot_call_duration_seconds',
    help: 'Time a call: action took, attempts and waiting for a free call slot included, by call name',
    labelNames: ['call'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
}
