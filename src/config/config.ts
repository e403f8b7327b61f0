/**
 * kfbot's configuration, typed and documented in one place (Probot's style): flags win over
 * environment variables, which win over a `.env` file in the working directory, which wins over
 * the defaults. Every problem is collected, with how to fix it, before the server refuses to start.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WECOM_API_BASE } from '../wecom/api-client.ts';
import { API_RATE_LIMITS, CALLBACK_FRESHNESS_WINDOW_DEFAULT_SEC } from '../wecom/platform-choices.ts';
import { formatRateLimits, parseRateLimits, type RateLimitSpec } from '../wecom/rate-limit-spec.ts';
import { parseDuration } from './duration.ts';
import { parseRedisUrl } from './redis-url.ts';
import { Settings } from './settings.ts';

export interface KfbotConfig {
  corpId: string;
  secret: string;
  token: string;
  encodingAesKey: string;
  apiBase: string;
  rules: string;
  port: number;
  host: string;
  store: string;
  logLevel: string;
  /** On a first start (no cursor yet), messages older than this are recorded but not answered. */
  historyMaxAgeSec: number;
  /** A callback whose timestamp is further than this from now is refused as a replay. */
  callbackMaxSkewSec: number;
  /** Whole-request timeout of a WeCom API call. */
  apiTimeoutSec: number;
  /** Customers of one account handled at once within a pull (1: one item after another). */
  concurrency: number;
  /** WeCom's per-API frequency limits kfbot keeps under (§3), before the margin. */
  apiBudget: RateLimitSpec[];
  /** Percent kept free below each limit. */
  apiBudgetMarginPercent: number;
  /** How long unanswered customer texts are kept after last seen (ms); 0 keeps none. */
  unansweredRetentionMs: number;
  /** The CA (PEM file, absolute path) that signed a rediss:// server's certificate. */
  redisCaFile?: string;
  /** Redis replicas to WAIT for before each WeCom call (0: none); see redis-replica-wait.ts. */
  redisWaitReplicas?: number;
  /** The operator console's password ('' or absent: the console is off, src/console/). */
  consolePassword?: string;
  /** X-Forwarded-Proto and X-Forwarded-For come from a proxy kfbot trusts (the console's cookies, limits). */
  trustProxy?: boolean;
}

export interface ConfigKey {
  env: string;
  flag?: string;
  default?: string;
  secret?: boolean;
  doc: string;
}

/** Every key, in the order .env.example lists them. */
export const CONFIG_KEYS = {
  corpId: { env: 'WECOM_CORP_ID', doc: 'the enterprise CorpID (企业ID), from 我的企业 → 企业信息' },
  secret: {
    env: 'WECOM_SECRET',
    secret: true,
    doc: 'the Secret of the self-built app (自建应用) allowed to call 微信客服 APIs',
  },
  token: { env: 'WECOM_TOKEN', secret: true, doc: 'the callback Token you set on the app’s 接收消息 page' },
  encodingAesKey: {
    env: 'WECOM_ENCODING_AES_KEY',
    secret: true,
    doc: 'the 43-character EncodingAESKey from the same page',
  },
  apiBase: { env: 'WECOM_API_BASE', default: WECOM_API_BASE, doc: 'the WeCom API base URL' },
  rules: { env: 'KFBOT_RULES', flag: 'rules', default: './rules', doc: 'rule file or folder' },
  port: {
    env: 'KFBOT_PORT',
    flag: 'port',
    default: '8080',
    doc: 'HTTP port for /callback and the health endpoints',
  },
  host: { env: 'KFBOT_HOST', flag: 'host', default: '0.0.0.0', doc: 'address to listen on' },
  store: {
    env: 'KFBOT_STORE',
    flag: 'store',
    default: 'sqlite:./data/kfbot.db',
    doc: 'where kfbot keeps cursors, dedupe records and conversations: sqlite:PATH, or for several replicas redis://[USER:PASSWORD@]host:port/db, rediss://… (TLS) or redis+sentinel://host:port,host:port/MASTER/db (docs/operations.md)',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    flag: 'log-level',
    default: 'info',
    doc: 'fatal, error, warn, info, debug or trace',
  },
  historyMaxAgeSec: {
    env: 'KFBOT_HISTORY_MAX_AGE',
    default: '300',
    doc: 'seconds: on a first start, older messages are recorded but not answered',
  },
  callbackMaxSkewSec: {
    env: 'KFBOT_CALLBACK_MAX_SKEW',
    default: String(CALLBACK_FRESHNESS_WINDOW_DEFAULT_SEC),
    doc: "seconds: 0 (default) accepts any signed timestamp, as WeCom's own samples do; 30 or more refuses a callback signed further than this from now as a replay (optional hardening: it needs a correct clock)",
  },
  apiTimeoutSec: {
    env: 'KFBOT_API_TIMEOUT',
    default: '10',
    doc: 'seconds a WeCom API call may take before it is retried',
  },
  concurrency: {
    env: 'KFBOT_CONCURRENCY',
    default: '16',
    doc: 'customers of one account answered at once (each waits on WeCom round trips; 16 keeps ~160 answers/s at 100 ms per call); 1 answers one message after another',
  },
  apiBudget: {
    env: 'KFBOT_API_BUDGET',
    default: formatRateLimits(API_RATE_LIMITS),
    doc: 'WeCom’s frequency limits per API for the whole enterprise, CALLS/WINDOW,… (all replicas share them through Redis); above them calls wait, earliest deadline first, instead of meeting 45009',
  },
  apiBudgetMarginPercent: {
    env: 'KFBOT_API_BUDGET_MARGIN',
    default: '5',
    doc: 'percent of each limit kfbot leaves unused, for clock skew and other apps of the enterprise calling the same APIs',
  },
  unansweredRetentionMs: {
    env: 'KFBOT_UNANSWERED_RETENTION',
    default: '30d',
    doc: 'how long customer texts no rule answered are kept for `kfbot report unanswered` (customer data): 30d, 12h, …; 0 keeps none',
  },
  redisCaFile: {
    env: 'KFBOT_REDIS_CA_FILE',
    doc: 'PEM file of the CA that signed the Redis server’s TLS certificate (rediss://), when it is not a public CA',
  },
  redisWaitReplicas: {
    env: 'KFBOT_REDIS_WAIT_REPLICAS',
    default: '0',
    doc: 'Redis replicas that must hold a reply’s records before kfbot calls WeCom (WAIT): 1 with Sentinel and one replica keeps a failover from doubling or dropping replies (docs/replicas.md); 0 does not wait',
  },
  consolePassword: {
    env: 'KFBOT_CONSOLE_PASSWORD',
    secret: true,
    default: '',
    doc: 'turns on the operator console at /console, signed in with this password (at least 12 characters); unset: the console is off',
  },
  trustProxy: {
    env: 'KFBOT_TRUST_PROXY',
    default: 'false',
    doc: 'true when kfbot sits behind a reverse proxy that sets X-Forwarded-Proto and X-Forwarded-For (the console then marks its cookie Secure for https, and limits sign-ins per the client address the proxy saw)',
  },
} as const satisfies Record<keyof KfbotConfig, ConfigKey>;

export interface ConfigProblem {
  key: string;
  message: string;
}

export type ConfigResult =
  | { config: KfbotConfig; problems: [] }
  | { config?: undefined; problems: ConfigProblem[] };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Shorter passwords fall to guessing even at 5 sign-in attempts a minute per address. */
export const MIN_CONSOLE_PASSWORD = 12;

export { readDotEnv } from './settings.ts';

export function loadConfig(opts: {
  env: NodeJS.ProcessEnv;
  flags?: Partial<Record<string, string>>;
  cwd: string;
}): ConfigResult {
  const settings = new Settings(opts);
  const problems: ConfigProblem[] = [];
  if (settings.dotEnvProblem) problems.push({ key: '.env', message: settings.dotEnvProblem });
  const raw = {} as Record<keyof KfbotConfig, string>;
  const named = {} as Record<keyof KfbotConfig, string>;
  for (const [name, key] of Object.entries(CONFIG_KEYS) as [keyof KfbotConfig, ConfigKey][]) {
    const setting = settings.get(key);
    raw[name] = setting.value;
    named[name] = Settings.nameOf(key, setting);
  }
  // Levels are names, not words: LOG_LEVEL=DEBUG means debug.
  raw.logLevel = raw.logLevel.toLowerCase();
  const need = (name: keyof KfbotConfig, check: (v: string) => string | undefined) => {
    const key = CONFIG_KEYS[name];
    const v = raw[name];
    const problem = v === '' ? `${key.env} is not set: ${key.doc}` : check(v);
    // A mistake in a flag is named after the flag the user typed (--port), not the variable.
    if (problem) problems.push({ key: key.env, message: problem.replaceAll(key.env, named[name]) });
  };
  need('corpId', corpIdProblem);
  need('secret', () => undefined);
  need('token', tokenProblem);
  need('encodingAesKey', encodingAesKeyProblem);
  need('apiBase', (v) =>
    /^https?:\/\/[^\s/]+/.test(v) ? undefined : `WECOM_API_BASE "${v}" is not an http(s) URL`,
  );
  need('port', (v) =>
    /^\d+$/.test(v) && Number(v) <= 65535 ? undefined : `KFBOT_PORT "${v}" is not a port number (0-65535)`,
  );
  need('host', () => undefined);
  need('rules', () => undefined);
  need('store', storeUrlProblem);
  need('redisWaitReplicas', (v) =>
    /^\d+$/.test(v) && Number(v) <= 16
      ? undefined
      : `KFBOT_REDIS_WAIT_REPLICAS "${v}" must be a whole number of replicas from 0 to 16`,
  );
  const caFile = raw.redisCaFile === '' ? '' : resolve(opts.cwd, raw.redisCaFile);
  if (caFile !== '') {
    const problem = caFileProblem(caFile);
    if (problem) problems.push({ key: CONFIG_KEYS.redisCaFile.env, message: problem });
  }
  need('logLevel', (v) =>
    LOG_LEVELS.includes(v) ? undefined : `LOG_LEVEL "${v}" is not one of ${LOG_LEVELS.join(', ')}`,
  );
  need('historyMaxAgeSec', (v) =>
    /^\d+$/.test(v) ? undefined : `KFBOT_HISTORY_MAX_AGE "${v}" is not a whole number of seconds`,
  );
  need('callbackMaxSkewSec', (v) =>
    /^\d+$/.test(v) && (Number(v) === 0 || Number(v) >= 30)
      ? undefined
      : `KFBOT_CALLBACK_MAX_SKEW "${v}" must be 0 (no freshness window, the default) or a whole number of seconds, at least 30 (WeCom's own retries span ~20 s)`,
  );
  need('apiTimeoutSec', (v) =>
    /^\d+(\.\d+)?$/.test(v) && Number(v) > 0
      ? undefined
      : `KFBOT_API_TIMEOUT "${v}" is not a positive number of seconds`,
  );
  need('concurrency', (v) =>
    /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1000
      ? undefined
      : `KFBOT_CONCURRENCY "${v}" must be a whole number from 1 to 1000`,
  );
  let apiBudget: RateLimitSpec[] = [];
  need('apiBudget', (v) => {
    const parsed = parseRateLimits(v);
    if ('error' in parsed) return `KFBOT_API_BUDGET: ${parsed.error}`;
    apiBudget = parsed.limits;
    return undefined;
  });
  need('apiBudgetMarginPercent', (v) =>
    /^\d+(\.\d+)?$/.test(v) && Number(v) < 100
      ? undefined
      : `KFBOT_API_BUDGET_MARGIN "${v}" must be a percentage from 0 to below 100`,
  );
  need('unansweredRetentionMs', (v) =>
    parseDuration(v, { bareUnit: 'd' }) === undefined
      ? `KFBOT_UNANSWERED_RETENTION "${v}" is not a duration such as 30d, 12h or 0 (keep none)`
      : undefined,
  );
  if (raw.consolePassword !== '' && [...raw.consolePassword].length < MIN_CONSOLE_PASSWORD)
    problems.push({
      key: CONFIG_KEYS.consolePassword.env,
      message: `KFBOT_CONSOLE_PASSWORD is ${[...raw.consolePassword].length} characters; the console needs at least ${MIN_CONSOLE_PASSWORD} (or unset it to turn the console off)`,
    });
  if (!/^(true|false|1|0)$/i.test(raw.trustProxy))
    problems.push({
      key: CONFIG_KEYS.trustProxy.env,
      message: `KFBOT_TRUST_PROXY "${raw.trustProxy}" is true or false`,
    });
  if (problems.length > 0) return { problems };
  return {
    problems: [],
    config: {
      corpId: raw.corpId,
      secret: raw.secret,
      token: raw.token,
      encodingAesKey: raw.encodingAesKey,
      apiBase: raw.apiBase.replace(/\/+$/, ''),
      rules: raw.rules,
      port: Number(raw.port),
      host: raw.host,
      store: raw.store,
      logLevel: raw.logLevel,
      historyMaxAgeSec: Number(raw.historyMaxAgeSec),
      callbackMaxSkewSec: Number(raw.callbackMaxSkewSec),
      apiTimeoutSec: Number(raw.apiTimeoutSec),
      concurrency: Number(raw.concurrency),
      apiBudget,
      apiBudgetMarginPercent: Number(raw.apiBudgetMarginPercent),
      unansweredRetentionMs: parseDuration(raw.unansweredRetentionMs, { bareUnit: 'd' }) ?? 0,
      ...(caFile !== '' && { redisCaFile: caFile }),
      ...(Number(raw.redisWaitReplicas) > 0 && { redisWaitReplicas: Number(raw.redisWaitReplicas) }),
      consolePassword: raw.consolePassword,
      trustProxy: /^(true|1)$/i.test(raw.trustProxy),
    },
  };
}

/** A CorpID WeCom could have issued, or what is wrong (the simulator refuses the same). */
export function corpIdProblem(v: string): string | undefined {
  return /^[A-Za-z0-9_-]{4,64}$/.test(v)
    ? undefined
    : `WECOM_CORP_ID "${v}" does not look like a CorpID (e.g. ww1234567890abcdef)`;
}

export function tokenProblem(v: string): string | undefined {
  return /^[A-Za-z0-9]{1,32}$/.test(v)
    ? undefined
    : 'WECOM_TOKEN must be the 1-32 letters and digits set as the callback Token';
}

export function encodingAesKeyProblem(v: string): string | undefined {
  // The key is a secret: name only the characters that do not belong, never the key.
  const wrong = [...new Set(v.replace(/[A-Za-z0-9]/g, ''))];
  if (wrong.length > 0)
    return `WECOM_ENCODING_AES_KEY may only hold letters and digits, but it has ${wrong.map((c) => JSON.stringify(c)).join(', ')}; copy the EncodingAESKey again from the 接收消息 page`;
  return v.length === 43
    ? undefined
    : `WECOM_ENCODING_AES_KEY must be the 43-character EncodingAESKey (got ${v.length} characters)`;
}

/** What is wrong with a KFBOT_STORE value, in the words every command uses; undefined if nothing. */
export function storeUrlProblem(v: string): string | undefined {
  if (v.startsWith('sqlite:') && v.length > 'sqlite:'.length) return undefined;
  if (/^rediss?(\+sentinel)?:\/\/[^\s]+/.test(v)) return redisUrlProblem(v);
  return `KFBOT_STORE "${v}" is not a store URL; use sqlite:./data/kfbot.db or redis://host:6379/0`;
}

/** A Redis URL kfbot cannot use (a database that is not a number would crash ioredis after start). */
function redisUrlProblem(v: string): string | undefined {
  const parsed = parseRedisUrl(v);
  return 'problem' in parsed ? parsed.problem : undefined;
}

function caFileProblem(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return `KFBOT_REDIS_CA_FILE ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); point it at the CA certificate (PEM) that signed Redis's certificate`;
  }
  return text.includes('-----BEGIN CERTIFICATE-----')
    ? undefined
    : `KFBOT_REDIS_CA_FILE ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA certificate, not a key or a DER file`;
}
