/**
 * `kfbot report unanswered`: customer texts no rule answered (only a fallback did), grouped by
 * their normalised form, most frequent first, with the nearest FAQ items and the items customers
 * clicked in the 猜你想问 menu sent for them — the list an operator turns into new `questions:`.
 */
import type { UnansweredQuestion } from '../../store/unanswered-log.ts';
import { UsageError } from '../command.ts';
import { defineReport, nothingFound } from './define-report.ts';
import { type Column, formatRows } from './report-format.ts';

/** The table is for reading on a screen: its first rows. CSV and JSON, for exports, hold all. */
const TABLE_LIMIT = 100;

const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const nearest = (q: UnansweredQuestion) =>
  q.candidates
    .slice(0, 3)
    .map((c) => `${c.id} ${c.score.toFixed(2)}`)
    .join(', ');
/** "return_policy ×4, returns ×1": most chosen first. */
const chosen = (q: UnansweredQuestion) =>
  Object.entries(q.chosen)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([id, n]) => `${id} ×${n}`)
    .join(', ');

const COLUMNS: readonly Column<UnansweredQuestion>[] = [
  { table: 'count 次数', csv: 'count', cell: (q) => q.count },
  { table: 'asked (latest wording) 最近问法', cell: (q) => q.example },
  { csv: 'text', cell: (q) => q.text },
  { csv: 'example', cell: (q) => q.example },
  { table: 'first – last seen (UTC) 首次–最近', cell: (q) => `${time(q.firstSeen)} – ${time(q.lastSeen)}` },
  { csv: 'first_seen', cell: (q) => new Date(q.firstSeen).toISOString() },
  { csv: 'last_seen', cell: (q) => new Date(q.lastSeen).toISOString() },
  { csv: 'account', cell: (q) => q.openKfId },
  { table: 'nearest FAQ items 最接近的问题', csv: 'nearest', cell: nearest },
  { table: 'chosen in 猜你想问 客户选择', csv: 'chosen', cell: chosen },
];

export const unansweredReport = defineReport({
  name: 'unanswered',
  summary: 'customer questions no rule answered, most frequent first',
  days: false,
  about: `Lists the customer texts that no rule answered (only a fallback did), grouped by their
normalised form (a greeting such as 你好 that folds to nothing under its own
words), most frequent first: how often, first and last seen, an example as typed, and
the nearest FAQ items with their scores, and the items customers clicked when a 猜你想问 menu
(suggest:) offered them for the text: what they meant. Add the frequent ones to an item's
questions:.
--since keeps the groups last seen within it; a group's count and first-seen time still cover
everything kept (a group keeps a tally, not each message). They are customer data, kept for
KFBOT_UNANSWERED_RETENTION (default 30 days).`,
  options: {
    limit: {
      value: 'N',
      help: `at most N groups (default: the table shows ${TABLE_LIMIT} and says on stderr how many there are; CSV and JSON hold every group)`,
    },
  },
  async produce(store, query, option, notice) {
    const raw = option('limit');
    const asked = raw === undefined ? undefined : Number(raw);
    if (asked !== undefined && (!/^\s*\d+\s*$/.test(raw ?? '') || !Number.isSafeInteger(asked) || asked < 1))
      throw new UsageError(`--limit takes a whole number of groups, at least 1, not "${raw}"`);
    const limit = asked ?? (query.format === 'table' ? TABLE_LIMIT : undefined);
    // Every group is read (they are bounded by KFBOT_UNANSWERED_RETENTION) to say how many were left out.
    const all = await store.listUnanswered(query.since, Number.MAX_SAFE_INTEGER, query.account);
    const rows = limit === undefined ? all : all.slice(0, limit);
    if (rows.length < all.length)
      notice(
        `${rows.length} of ${all.length} groups shown; --limit N shows more (CSV and JSON show all by default)`,
      );
    return formatRows(rows, COLUMNS, query.format, nothingFound('unanswered questions', query));
  },
});
