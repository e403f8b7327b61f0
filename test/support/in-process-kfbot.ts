import { Writable } from 'node:stream';
import pino from 'pino';
import { CONFIG_KEYS, type KfbotConfig } from '../../src/config/config.ts';
import type { HttpLimits } from '../../src/runtime/http-server.ts';
import { type RunningKfbot, startKfbot } from '../../src/runtime/kfbot-app.ts';
import type { WeComSimulator } from '../../src/simulator/index.ts';
import { API_RATE_LIMITS } from '../../src/wecom/platform-choices.ts';

export const TOKEN = 'InProcessToken42';
export const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

export interface InProcessKfbot {
  app: RunningKfbot;
  /** Every log line, as written. */
  lines: string[];
  /** Log lines parsed. */
  logs(): Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * kfbot's real app (HTTP server, store, client) in this process, pointed at the simulator and
 * wired to receive its callbacks: faster to start than a child process, same code path.
 */
export async function startInProcess(
  sim: WeComSimulator,
  opts: {
    config?: Partial<KfbotConfig>;
    httpLimits?: HttpLimits;
    now?: () => number;
    env?: Record<string, string | undefined>;
  } = {},
): Promise<InProcessKfbot> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const config: KfbotConfig = {
    corpId: sim.corpId,
    secret: sim.secret,
    token: TOKEN,
    encodingAesKey: AES_KEY,
    apiBase: sim.url,
    rules: 'test/e2e/rules',
    port: 0,
    host: '127.0.0.1',
    store: 'sqlite::memory:',
    logLevel: 'debug',
    historyMaxAgeSec: 300,
    callbackMaxSkewSec: Number(CONFIG_KEYS.callbackMaxSkewSec.default),
    apiTimeoutSec: 10,
    concurrency: Number(CONFIG_KEYS.concurrency.default),
    apiBudget: [...API_RATE_LIMITS],
    apiBudgetMarginPercent: 5,
    unansweredRetentionMs: 30 * 86_400_000,
    ...opts.config,
  };
  const app = await startKfbot({
    config,
    cwd: process.cwd(),
    logger: pino({ level: 'debug' }, sink),
    watchRules: false,
    ...(opts.now && { now: opts.now }),
    ...(opts.httpLimits && { httpLimits: opts.httpLimits }),
    ...(opts.env && { env: opts.env }),
  });
  sim.callbacks.configure({ url: `${app.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  return {
    app,
    lines,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    close: () => app.close(),
  };
}
