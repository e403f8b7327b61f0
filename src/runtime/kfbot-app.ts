/**
 * Wires serve together — receiver → pulls → decide → act → store — and owns start-up and shutdown.
 * Kept thin on purpose: each step lives in its own file.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { rulesFolder } from '../authoring/rules-folder.ts';
import { type KfbotConfig, readDotEnv } from '../config/config.ts';
import { consoleMode, consoleStartLine } from '../console/console-mode.ts';
import { lazyConsoleRoutes } from '../console/lazy-console-routes.ts';
import { defaultCallSettings } from '../rules/call-model.ts';
import { RulesError } from '../rules/problems.ts';
import type { RulesChild } from '../rules/rules-child.ts';
import { openBackend, preloadBackend } from '../store/open-backend.ts';
import type { PullWork } from '../store/pull-work.ts';
import type { Store } from '../store/store.ts';
import { budgetLimits } from '../wecom/api-budget.ts';
import { WeComClient } from '../wecom/api-client.ts';
import { KfApi } from '../wecom/kf-api.ts';
import { AccountPuller } from './account-puller.ts';
import { CallRunner } from './call-runner.ts';
import { CallbackReceiver } from './callback-receiver.ts';
import type { DecisionEvent } from './decision-event.ts';
import { chainRoutes, createHttpServer, type HttpLimits, type HttpRoutes } from './http-server.ts';
import { IdleFiring } from './idle-firing.ts';
import { IdleScheduler } from './idle-scheduler.ts';
import { LiveRules } from './live-rules.ts';
import { createLogger } from './logger.ts';
import { ManagedAccounts } from './managed-accounts.ts';
import { MediaUploads } from './media-uploads.ts';
import { MessageHandler } from './message-handler.ts';
import { KfbotMetrics } from './metrics.ts';
import { purgeExpired } from './purge-expired.ts';
import { readiness } from './readiness.ts';
import { ReplicaHeartbeat } from './replica-heartbeat.ts';
import { RulesSync } from './rules-sync.ts';
import { SemanticLookup } from './semantic-lookup.ts';
import { SendExecutor } from './send-executor.ts';
import { SessionRecorder } from './session-recorder.ts';
import { withBacklog } from './with-backlog.ts';

const PURGE_EVERY_MS = 3600_000;
/** How long shutdown waits for HTTP requests in flight before closing their connections. */
const CLOSE_GRACE_MS = 2000;

export interface KfbotOptions {
  config: KfbotConfig;
  cwd: string;
  logger?: Logger;
  dispatcher?: Dispatcher;
  now?: () => number;
  /** Reload the rules when their files change (default true). */
  watchRules?: boolean;
  /** Extra HTTP routes (the sandbox). */
  extraRoutes?: HttpRoutes['extra'];
  /** Request timeouts of the HTTP server (tests shorten them). */
  httpLimits?: HttpLimits;
  /** Running against the built-in simulator: /readyz says so, so nobody mistakes it for the bot. */
  sandbox?: boolean;
  /** Where KFBOT_SEMANTIC_* and the provider's key (default: process.env and .env), and rules' {{env.X}} (default: process.env), are read. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A rules child already loading `config.rules` for the first load (`kfbot serve`: early-rules-child.ts). */
  rulesChild?: RulesChild;
}

export interface RunningKfbot {
  url: string;
  /** The address it listens on, as configured (0.0.0.0 for every interface). */
  host: string;
  port: number;
  store: Store;
  rules: LiveRules;
  /** Keeps the rules folder on the published version (rules-sync.ts). */
  rulesSync: RulesSync;
  /** This replica's id in the store's replica registry (replica-heartbeat.ts). */
  replicaId: string;
  work: PullWork;
  metrics: KfbotMetrics;
  log: Logger;
  /** Wakes accounts whose idle rules are due; `wake()` after moving a clock. */
  idle: IdleScheduler;
  /** Hears every decision (see DecisionEvent); returns the unsubscribe function. */
  onDecision(listener: (event: DecisionEvent) => void): () => void;
  close(): Promise<void>;
}

export async function startKfbot(opts: KfbotOptions): Promise<RunningKfbot> {
  const { config } = opts;
  const now = opts.now ?? Date.now;
  const log = opts.logger ?? createLogger(config.logLevel);
  const metrics = new KfbotMetrics();
  const rules = new LiveRules(config.rules, opts.cwd, log, metrics);
  // Rules with an FAQ wait for their child process: the store's code loads meanwhile.
  preloadBackend(config.store);
  if (!(await rules.reload(opts.rulesChild))) throw new RulesError(rules.problems);
  const { store, work, budget } = await openBackend(config.store, {
    cwd: opts.cwd,
    metrics,
    log,
    now,
    budgetLimits: budgetLimits(config.apiBudget, config.apiBudgetMarginPercent),
    ...(config.redisCaFile && { redisCaFile: config.redisCaFile }),
    ...(config.redisWaitReplicas && {
      redisWaitReplicas: config.redisWaitReplicas,
      replicaWaitMetrics: {
        observe: (s: number) => metrics.replicaWaitSeconds.observe(s),
        shortfall: () => metrics.replicaWaitShortfalls.inc(),
      },
    }),
  });
  metrics.probes = {
    storeUp: () =>
      store.ping().then(
        () => true,
        () => false,
      ),
    oldestPendingAt: () => work.oldestPendingAt(),
  };
  const rulesSync = new RulesSync({
    folder: rulesFolder(config.rules, opts.cwd),
    versions: store.ruleVersions,
    rules,
    log,
    adopt: /^rediss?:/.test(config.store),
  });
  await rulesSync.start();
  const client = new WeComClient({
    corpId: config.corpId,
    secret: config.secret,
    baseUrl: config.apiBase,
    tokenStore: store,
    logger: log,
    userAgent: `kfbot (${hostname()}; pid ${process.pid})`,
    timeoutMs: config.apiTimeoutSec * 1000,
    now,
    budget,
    // WeCom blocks an API for the window whose limit was passed (§3): at least the shortest one.
    rateLimitPauseMs: Math.min(...config.apiBudget.map((l) => l.windowMs)),
    onRateLimited: ({ method, errcode }) =>
      metrics.rateLimited.inc({ api: method, errcode: String(errcode) }),
    ...(opts.dispatcher && { dispatcher: opts.dispatcher }),
  });
  const kf = new KfApi(client);
  const decisionListeners = new Set<(event: DecisionEvent) => void>([
    new SessionRecorder(store, log, now).listener,
  ]);
  const media = new MediaUploads(kf, store, now, log);
  const executor = new SendExecutor(kf, store, metrics, now, media);
  const semantic = new SemanticLookup({
    env: opts.env ?? { ...readDotEnv(opts.cwd).values, ...process.env },
    cache: store.embeddings,
    log,
    observe: (outcome, seconds) => {
      metrics.faqSemantic.inc({ outcome });
      if (outcome === 'fused') metrics.faqSemanticSeconds.observe(seconds);
    },
  });
  // Question vectors are prepared when rules load, so the first customer does not wait for them.
  if (rules.current) void semantic.warm(rules.current.ruleSet);
  rules.onChange((s) => s && void semantic.warm(s.ruleSet));
  const calls = new CallRunner({
    store,
    metrics,
    log,
    now,
    env: opts.env ?? process.env,
    settings: () => rules.current?.ruleSet.settings.calls ?? defaultCallSettings(),
  });
  const handler = new MessageHandler({
    calls,
    kf,
    store,
    rules,
    semantic,
    executor,
    media,
    metrics,
    log,
    now,
    historyMaxAgeMs: config.historyMaxAgeSec * 1000,
    unansweredRetentionMs: config.unansweredRetentionMs,
    onDecision: (event) => {
      for (const listener of decisionListeners) {
        try {
          listener(event);
        } catch (err) {
          log.warn({ err }, 'a decision listener failed');
        }
      }
    },
  });
  const idleFiring = new IdleFiring({ store, rules, handler, log, now, concurrency: config.concurrency });
  const puller = new AccountPuller({
    kf,
    store,
    handler,
    rules,
    metrics,
    log,
    now,
    concurrency: config.concurrency,
    idle: idleFiring,
  });
  const appWork = withBacklog(work, puller);
  const receiver = new CallbackReceiver(
    {
      token: config.token,
      encodingAesKey: config.encodingAesKey,
      corpId: config.corpId,
      accounts: new ManagedAccounts(() => kf.listAccounts(), metrics, log, now),
    },
    work,
    metrics,
    log,
    now,
    config.callbackMaxSkewSec * 1000,
  );
  const heartbeat = new ReplicaHeartbeat({
    registry: store.replicas,
    state: () => ({
      rulesVersion: rules.current?.version ?? null,
      rulesPublished: rulesSync.version,
      rulesDiverged: !rulesSync.following,
    }),
    log,
    now: Date.now,
  });
  const consoleSetting = consoleMode({
    password: config.consolePassword,
    trustProxy: config.trustProxy,
    sandbox: opts.sandbox === true,
    host: config.host,
  });
  const server: Server = createHttpServer(
    {
      receiver,
      log,
      ready: readiness({ store, rules, rulesSync, sandbox: opts.sandbox === true }),
      metrics: async () => ({
        contentType: metrics.registry.contentType,
        body: await metrics.registry.metrics(),
      }),
      extra: chainRoutes(
        lazyConsoleRoutes(consoleSetting, {
          store,
          rules,
          log,
          now,
          unansweredRetentionMs: config.unansweredRetentionMs,
          replicaId: heartbeat.id,
        }),
        opts.extraRoutes,
      ),
    },
    opts.httpLimits,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // The caller explains the error (a bad KFBOT_HOST, a busy port) and exits: release the store first.
    await store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;

  log.info({ console: consoleSetting.kind }, consoleStartLine(consoleSetting, url));
  await work.start((job) => puller.pull(job));
  const idleScheduler = new IdleScheduler(store, work, log, now);
  idleScheduler.start();
  const purge = () => purgeExpired(store, log, now, config.unansweredRetentionMs);
  await purge();
  const purgeTimer = setInterval(purge, PURGE_EVERY_MS);
  purgeTimer.unref();
  if (opts.watchRules !== false) rules.watch();
  await heartbeat.start();
  rules.onChange(() => void heartbeat.beat());

  let closing: Promise<void> | undefined;
  return {
    url,
    host: config.host,
    port,
    store,
    rules,
    rulesSync,
    replicaId: heartbeat.id,
    work: appWork,
    metrics,
    log,
    idle: idleScheduler,
    onDecision(listener) {
      decisionListeners.add(listener);
      return () => decisionListeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        clearInterval(purgeTimer);
        rulesSync.stop();
        rules.close();
        await heartbeat.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // A keep-alive connection busy at this moment would hold close() until the client hangs
          // up: give requests in flight a moment to finish, then close what is left.
          setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
        });
        await idleScheduler.stop();
        budget.close(); // calls waiting out a block give up; their work stays pending
        await appWork.stop(); // calls in flight finish; what is left is read again at start
        await calls.close();
        await store.close();
      })();
      return closing;
    },
  };
}
