/**
 * Sandbox mode: kfbot's real pipeline — signed, encrypted callbacks, sync_msg, rules, send_msg and
 * send_msg_on_event, the SQLite store — against the built-in WeCom simulator on loopback, in one
 * process. Nothing in the pipeline knows: it is configured exactly as for WeCom, with the
 * simulator's URL and credentials.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { type ConfigProblem, loadConfig } from '../config/config.ts';
import type { RulesChild } from '../rules/rules-child.ts';
import { type RunningKfbot, startKfbot } from '../runtime/kfbot-app.ts';
import { startSimulator, type WeComSimulator } from '../simulator/index.ts';
import { generateEncodingAesKey } from '../wecom/callback-crypto.ts';
import { SandboxHub } from './sandbox-hub.ts';
import { sandboxRoutes } from './sandbox-routes.ts';
import { SandboxClock, SandboxTime } from './sandbox-time.ts';

/**
 * Requests the sandbox's simulator remembers: the page shows recent ones (its own event history
 * is capped too, sandbox-hub.ts), and a sandbox left running for days must not grow without bound.
 */
export const SANDBOX_REQUEST_LOG_LIMIT = 2000;

export interface Sandbox {
  app: RunningKfbot;
  sim: WeComSimulator;
  hub: SandboxHub;
  /** The clock kfbot and the simulator share; skip ahead to see idle rules fire. */
  time: SandboxTime;
  /** The page: <kfbot URL>/sandbox. */
  url: string;
  close(): Promise<void>;
}

export class SandboxConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

export async function startSandbox(opts: {
  env: NodeJS.ProcessEnv;
  flags?: Partial<Record<string, string>>;
  cwd: string;
  logger?: Logger;
  watchRules?: boolean;
  /** The simulated WeCom's round trip per API call (± a fifth), as from a server in China: 50. */
  latencyMs?: number;
  /**
   * A rules child already loading the rules these settings name, for the first load (`kfbot serve`
   * starts it before loading this code: early-rules-child.ts).
   */
  rulesChild?: RulesChild;
}): Promise<Sandbox> {
  const clock = new SandboxClock();
  const sim = await startSimulator({
    clock,
    host: '127.0.0.1',
    port: 0,
    requestLogLimit: SANDBOX_REQUEST_LOG_LIMIT,
    ...(opts.latencyMs !== undefined && {
      settings: { latencyMs: opts.latencyMs, latencyJitterMs: opts.latencyMs / 5 },
    }),
  });
  const token = randomBytes(12).toString('hex');
  const encodingAesKey = generateEncodingAesKey();
  // The simulator's state lives in memory, so by default kfbot's does too. An explicit store is
  // respected: its accounts keep their ids (derived from their names, account-ids.ts), and the
  // cursors it kept, which this simulator never issued, are refused as WeCom would refuse them and
  // kfbot reads those accounts again from the start (account-puller.ts).
  const explicitStore = opts.flags?.store ?? opts.env.KFBOT_STORE;
  const loaded = loadConfig({
    env: {
      ...opts.env,
      WECOM_CORP_ID: sim.corpId,
      WECOM_SECRET: sim.secret,
      WECOM_TOKEN: token,
      WECOM_ENCODING_AES_KEY: encodingAesKey,
      WECOM_API_BASE: sim.url,
      KFBOT_STORE: explicitStore ?? 'sqlite::memory:',
    },
    flags: { ...opts.flags, ...(explicitStore === undefined && { store: 'sqlite::memory:' }) },
    cwd: opts.cwd,
  });
  if (!loaded.config) {
    await sim.close();
    throw new SandboxConfigError(loaded.problems);
  }
  const latencyProblem = sandboxLatencyProblem(opts.latencyMs, loaded.config.apiTimeoutSec);
  if (latencyProblem) {
    await sim.close();
    throw new SandboxConfigError([{ key: '--latency', message: latencyProblem }]);
  }
  const hub = new SandboxHub(sim);
  const time = new SandboxTime(clock, sim, hub);
  let app: RunningKfbot;
  try {
    app = await startKfbot({
      config: loaded.config,
      cwd: opts.cwd,
      ...(opts.logger && { logger: opts.logger }),
      ...(opts.watchRules !== undefined && { watchRules: opts.watchRules }),
      extraRoutes: sandboxRoutes(hub, sim, time),
      sandbox: true,
      now: () => clock.now(),
      ...(opts.rulesChild && { rulesChild: opts.rulesChild }),
    });
  } catch (err) {
    await sim.close();
    throw err;
  }
  hub.attach(app);
  time.attach(app);
  sim.callbacks.configure({ url: `${app.url}/callback`, token, encodingAesKey });
  return {
    app,
    sim,
    hub,
    time,
    url: `${app.url}/sandbox`,
    async close() {
      sim.callbacks.configure(undefined);
      await app.close();
      await sim.close();
    },
  };
}

/**
 * A simulated round trip (± a fifth) that reaches kfbot's API timeout makes every call time out:
 * nothing is ever answered and the log fills with retries. Refused with the limit instead.
 */
export function sandboxLatencyProblem(
  latencyMs: number | undefined,
  apiTimeoutSec: number,
): string | undefined {
  if (latencyMs === undefined) return undefined;
  // Below the timeout even at the top of the jitter, with a margin for kfbot's own work.
  const limit = Math.floor((apiTimeoutSec * 1000 * 0.8) / 1.2);
  if (latencyMs <= limit) return undefined;
  return `--latency ${latencyMs} is too long: with its jitter (± a fifth) an API call would reach KFBOT_API_TIMEOUT (${apiTimeoutSec} s) and nothing would be answered; use at most ${limit} ms (WeCom from mainland China: about 50)`;
}
