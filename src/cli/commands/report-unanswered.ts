/**
 * `kfbot report unanswered`: customer texts no rule answered (only a fallback did), grouped by
 * their normalised form, most frequent first, with the nearest FAQ items — the list an operator
 * turns into new `questions:`.
 */
import { isAbsolute, join } from 'node:path';
import { CONFIG_KEYS } from '../../config/config.ts';
import { parseDuration } from '../../config/duration.ts';
import { RedisStore, redisClient } from '../../store/redis-store.ts';
import { SqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/store.ts';
import type { UnansweredQuestion } from '../../store/unanswered-log.ts';
import { type CommandIo, parseCommandLine, UsageError } from '../command.ts';
import type { Report } from './report.ts';

const HELP = `Usage: kfbot report unanswered [options]

Lists the customer texts that no rule answered (only a fallback did), grouped by their
normalised form, most frequent first: how often, first and last seen, an example as typed, and
the nearest FAQ items with their scores. Add the frequent ones to an item's questions:.
They are customer data, kept for KFBOT_UNANSWERED_RETENTION (default 30 days).

  --since DURATION    only groups seen within this long, e.g. 7d, 24h, 90m (default: all kept)
  --format FORMAT     table (default), csv or json
  --limit N           at most N groups (default 100)
  --store URL         sqlite:PATH or redis://host:port/db (default: $KFBOT_STORE, else ${CONFIG_KEYS.store.default})
  -h, --help          show this help
`;

const OPTIONS = {
  since: { type: 'string' },
  format: { type: 'string' },
  limit: { type: 'string' },
  store: { type: 'string' },
} as const;

async function openStore(url: string, cwd: string): Promise<Store> {
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

const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const nearest = (q: UnansweredQuestion) =>
  q.candidates
    .slice(0, 3)
    .map((c) => `${c.id} ${c.score.toFixed(2)}`)
    .join(', ');

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatUnanswered(
  rows: readonly UnansweredQuestion[],
  format: 'table' | 'csv' | 'json',
): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') {
    const lines = [['count', 'text', 'example', 'first_seen', 'last_seen', 'account', 'nearest'].join(',')];
    for (const q of rows)
      lines.push(
        [
          q.count,
          q.text,
          q.example,
          new Date(q.firstSeen).toISOString(),
          new Date(q.lastSeen).toISOString(),
          q.openKfId,
          nearest(q),
        ]
          .map(csvField)
          .join(','),
      );
    return `${lines.join('\n')}\n`;
  }
  if (rows.length === 0) return 'no unanswered questions in this window\n';
  const table = rows.map((q) => [
    String(q.count),
    q.example,
    `${time(q.firstSeen)} – ${time(q.lastSeen)}`,
    nearest(q) || '–',
  ]);
  const header = ['count', 'asked (latest wording)', 'first – last seen (UTC)', 'nearest FAQ items'];
  // Chinese characters take two columns in a terminal.
  const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const cols = header.map((h, i) => Math.max(width(h), ...table.map((r) => width(r[i] as string))));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + ' '.repeat((cols[i] as number) - width(c)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...table.map(line)].join('\n')}\n`;
}

async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandLine(argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'csv' && format !== 'json')
    throw new UsageError(`--format is table, csv or json, not "${format}"`);
  let since = 0;
  if (values.since !== undefined) {
    const ms = parseDuration(values.since);
    if (ms === undefined)
      throw new UsageError(`--since takes a duration such as 7d, 24h or 90m, not "${values.since}"`);
    since = Date.now() - ms;
  }
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit takes a whole number, not "${values.limit}"`);
  const url = values.store ?? io.env[CONFIG_KEYS.store.env]?.trim() ?? CONFIG_KEYS.store.default;
  const store = await openStore(url || CONFIG_KEYS.store.default, io.cwd);
  try {
    io.stdout.write(formatUnanswered(await store.listUnanswered(since, limit), format));
  } finally {
    await store.close();
  }
  return 0;
}

export const unansweredReport: Report = {
  name: 'unanswered',
  summary: 'customer questions no rule answered, most frequent first (--since 7d, --format table|csv|json)',
  run,
};
