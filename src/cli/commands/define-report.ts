/**
 * What every `kfbot report <name>` shares: the options (--since, --account, --format, --store,
 * --help and any of its own), their checks, the help text, and opening and closing the store. A
 * report only says what it shows and how it reads the store (report-*.ts).
 */
import { resolve } from 'node:path';
import { CONFIG_KEYS, storeUrlProblem } from '../../config/config.ts';
import { parseDuration } from '../../config/duration.ts';
import { Settings } from '../../config/settings.ts';
import { openStoreForReading } from '../../store/open-store-for-reading.ts';
import type { Store } from '../../store/store.ts';
import { StoreOpenError } from '../../store/store-open-error.ts';
import { NewerStoreError } from '../../store/store-version.ts';
import { type CommandIo, InputError, parseCommandLine, UsageError } from '../command.ts';
import { accountNames } from './report-account-names.ts';
import { REPORT_FORMATS, type ReportFormat, UTF8_BOM } from './report-format.ts';
import { reportTimezone } from './report-timezone.ts';

/** What the common options asked for. */
export interface ReportQuery {
  /** Epoch ms: now less --since, or 0 (everything kept). */
  since: number;
  /** --account: one open_kfid; every account when absent. */
  account?: string;
  format: ReportFormat;
  /** Account names by open_kfid, for tables (report-account-names.ts); empty when unknown. */
  names: ReadonlyMap<string, string>;
  /** The IANA zone whose days the rows are (report-timezone.ts). */
  timezone: string;
}

/** One `kfbot report <name>`, as the report command lists and runs it (report.ts). */
export interface Report {
  name: string;
  summary: string;
  run(argv: string[], io: CommandIo): Promise<number>;
}

export interface ReportSpec {
  name: string;
  /** One line for `kfbot report --help`. */
  summary: string;
  /** What the report shows and how to read it, for its --help. */
  about: string;
  /** Options of its own (a value each), with their help lines. */
  options?: Record<string, { value: string; help: string }>;
  /** Whether it shows days (and so takes --timezone); true unless it says false. */
  days?: boolean;
  /**
   * Reads the store and prints; `option` gives the value of one of its own options, `notice`
   * writes a line to stderr (what was left out, say).
   */
  produce(
    store: Store,
    query: ReportQuery,
    option: (name: string) => string | undefined,
    notice: (line: string) => void,
  ): Promise<string>;
}

const COMMON: Record<string, { type: 'string' | 'boolean' }> = {
  since: { type: 'string' },
  account: { type: 'string' },
  timezone: { type: 'string' },
  format: { type: 'string' },
  'no-bom': { type: 'boolean' },
  store: { type: 'string' },
};

function help(spec: ReportSpec): string {
  const lines: [string, string][] = [
    ['--since DURATION', 'only the last DURATION, e.g. 7d, 24h, 90m (default: everything kept)'],
    ['--account OPEN_KFID', 'only this customer-service account (default: every account)'],
    ...(spec.days === false
      ? []
      : [
          [
            '--timezone ZONE',
            "days in this IANA zone, e.g. UTC (default: the rules' settings.timezone, else Asia/Shanghai)",
          ] as [string, string],
        ]),
    ['--format FORMAT', 'table (default), csv or json'],
    ['--no-bom', 'CSV without the UTF-8 byte order mark it starts with (Excel needs it to show Chinese)'],
    ...Object.entries(spec.options ?? {}).map(([name, o]): [string, string] => [
      `--${name} ${o.value}`,
      o.help,
    ]),
    [
      '--store URL',
      `sqlite:PATH or redis://host:port/db (default: $${CONFIG_KEYS.store.env} from the environment or .env, else ${CONFIG_KEYS.store.default}); only read, never created`,
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

/**
 * The store to read, from --store, KFBOT_STORE or `.env` (the order serve reads it in), opened
 * only to read (or, for `kfbot forget`, to change without creating or migrating it); anything
 * wrong is one line (exit 1) in the words serve uses.
 */
export async function openStore(
  flag: string | undefined,
  io: CommandIo,
  mode: 'read' | 'change' | 'migrate' = 'read',
): Promise<Store> {
  const key = CONFIG_KEYS.store;
  const setting = new Settings({ env: io.env, cwd: io.cwd, flags: { store: flag } }).get(key);
  const problem = storeUrlProblem(setting.value);
  if (problem) throw new InputError(problem.replaceAll(key.env, Settings.nameOf(key, setting)));
  try {
    const caFile = new Settings({ env: io.env, cwd: io.cwd, flags: {} }).get(CONFIG_KEYS.redisCaFile).value;
    return await openStoreForReading(
      setting.value,
      io.cwd,
      caFile ? resolve(io.cwd, caFile) : undefined,
      mode,
    );
  } catch (err) {
    if (err instanceof StoreOpenError || err instanceof NewerStoreError) throw new InputError(err.message);
    throw err;
  }
}

/** The common options, checked; `text` reads an option's value. */
function readQuery(text: (name: string) => string | undefined): Omit<ReportQuery, 'timezone'> {
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
  return {
    since,
    format: format as ReportFormat,
    names: new Map(),
    ...(account !== undefined && { account }),
  };
}

export function defineReport(spec: ReportSpec): Report {
  const options: Record<string, { type: 'string' | 'boolean' }> = { ...COMMON };
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
      const notice = (line: string) => io.stderr.write(`${line}\n`);
      if (spec.days === false && text('timezone') !== undefined)
        throw new UsageError(`kfbot report ${spec.name} shows no days: --timezone does not apply`);
      // Only a report of days reads the rules for their timezone.
      const timezone = spec.days === false ? 'UTC' : reportTimezone(text('timezone'), io, notice);
      const base = { ...readQuery(text), timezone };
      // Only a table is for people; CSV and JSON keep the ids programs join on.
      const query = base.format === 'table' ? { ...base, names: await accountNames(io, notice) } : base;
      const store = await openStore(text('store'), io);
      try {
        const out = await spec.produce(store, query, text, notice);
        io.stdout.write(query.format === 'csv' && values['no-bom'] !== true ? UTF8_BOM + out : out);
      } finally {
        await store.close();
      }
      return 0;
    },
  };
}

/** The rows with each account named as operators know it (售前咨询), where its name is known. */
export function named<R extends { openKfId: string }>(rows: readonly R[], query: ReportQuery): R[] {
  return rows.map((r) => ({ ...r, openKfId: query.names.get(r.openKfId) ?? r.openKfId }));
}

/** What a report's table says when it is empty: `what` in the window, of the account if one was asked. */
export function nothingFound(what: string, query: ReportQuery): string {
  return `no ${what}${query.account === undefined ? '' : ` for account ${query.account}`} in this window · 该时段没有记录`;
}
