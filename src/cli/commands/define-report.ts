/**
 * What every `kfbot report <name>` shares: the options (--since, --account, --format, --store,
 * --help and any of its own), their checks, the help text, and opening and closing the store. A
 * report only says what it shows and how it reads the store (report-*.ts).
 */
import { isAbsolute, join } from 'node:path';
import { CONFIG_KEYS } from '../../config/config.ts';
import { parseDuration } from '../../config/duration.ts';
import { RedisStore, redisClient } from '../../store/redis-store.ts';
import { SqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/store.ts';
import { type CommandIo, parseCommandLine, UsageError } from '../command.ts';
import type { Report } from './report.ts';
import { REPORT_FORMATS, type ReportFormat } from './report-format.ts';

/** What the common options asked for. */
export interface ReportQuery {
  /** Epoch ms: now less --since, or 0 (everything kept). */
  since: number;
  /** --account: one open_kfid; every account when absent. */
  account?: string;
  format: ReportFormat;
}

export interface ReportSpec {
  name: string;
  /** One line for `kfbot report --help`. */
  summary: string;
  /** What the report shows and how to read it, for its --help. */
  about: string;
  /** Options of its own (a value each), with their help lines. */
  options?: Record<string, { value: string; help: string }>;
  /** Reads the store and prints; `option` gives the value of one of its own options. */
  produce(store: Store, query: ReportQuery, option: (name: string) => string | undefined): Promise<string>;
}

const COMMON: Record<string, { type: 'string' }> = {
  since: { type: 'string' },
  account: { type: 'string' },
  format: { type: 'string' },
  store: { type: 'string' },
};

function help(spec: ReportSpec): string {
  const lines: [string, string][] = [
    ['--since DURATION', 'only the last DURATION, e.g. 7d, 24h, 90m (default: everything kept)'],
    ['--account OPEN_KFID', 'only this customer-service account (default: every account)'],
    ['--format FORMAT', 'table (default), csv or json'],
    ...Object.entries(spec.options ?? {}).map(([name, o]): [string, string] => [
      `--${name} ${o.value}`,
      o.help,
    ]),
    [
      '--store URL',
      `sqlite:PATH or redis://host:port/db (default: $${CONFIG_KEYS.store.env}, else ${CONFIG_KEYS.store.default})`,
    ],
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...lines.map(([flag]) => flag.length));
  return [
    `Usage: kfbot report ${spec.name} [options]`,
    '',
    spec.about,
    '',
    ...lines.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    '',
  ].join('\n');
}

/** The store a report (or `kfbot forget`) reads: --store, else KFBOT_STORE, else the default. */
export async function openStore(url: string, cwd: string): Promise<Store> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    return new SqliteStore(path === ':memory:' || isAbsolute(path) ? path : join(cwd, path));
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) {
    const redis = redisClient(url);
    await redis.connect();
    return new RedisStore(redis);
  }
  throw new UsageError(
    `--store "${url}" is not a store URL; use sqlite:./data/kfbot.db or redis://host:6379/0`,
  );
}

/** The common options, checked; `text` reads an option's value. */
function readQuery(text: (name: string) => string | undefined): ReportQuery {
  const format = text('format') ?? 'table';
  if (!(REPORT_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format is table, csv or json, not "${format}"`);
  let since = 0;
  const duration = text('since');
  if (duration !== undefined) {
    // A bare number has meant days here since the first release.
    const ms = parseDuration(duration, { bareUnit: 'd' });
    if (ms === undefined)
      throw new UsageError(`--since takes a duration such as 7d, 24h or 90m, not "${duration}"`);
    since = Date.now() - ms;
  }
  const account = text('account');
  if (account !== undefined && !/^\S+$/.test(account))
    throw new UsageError(
      `--account takes an account's open_kfid (wk…, as in kfbot's logs), not "${account}"`,
    );
  return { since, format: format as ReportFormat, ...(account !== undefined && { account }) };
}

export function defineReport(spec: ReportSpec): Report {
  const options: Record<string, { type: 'string' }> = { ...COMMON };
  for (const name of Object.keys(spec.options ?? {})) options[name] = { type: 'string' };
  return {
    name: spec.name,
    summary: spec.summary,
    async run(argv: string[], io: CommandIo): Promise<number> {
      const { values } = parseCommandLine(argv, options);
      if (values.help) {
        io.stdout.write(help(spec));
        return 0;
      }
      const text = (name: string) => {
        const value = values[name];
        return typeof value === 'string' ? value : undefined;
      };
      const query = readQuery(text);
      const url = (text('store') ?? io.env[CONFIG_KEYS.store.env]?.trim()) || CONFIG_KEYS.store.default;
      const store = await openStore(url, io.cwd);
      try {
        io.stdout.write(await spec.produce(store, query, text));
      } finally {
        await store.close();
      }
      return 0;
    },
  };
}

/** What a report's table says when it is empty: `what` in the window, of the account if one was asked. */
export function nothingFound(what: string, query: ReportQuery): string {
  return `no ${what}${query.account === undefined ? '' : ` for account ${query.account}`} in this window`;
}
