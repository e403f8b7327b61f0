/**
 * Durations as people write them, in one grammar for every place kfbot reads one: `idle_for:`,
 * `wait:` steps, the sandbox's ⏩ and `/wait`, `--since`, and KFBOT_UNANSWERED_RETENTION.
 *
 *   90s · 5m · 2h · 30d · 1h30m · 1d12h · 1.5h      parts in the order d, h, m, s, each at most once
 *
 * A bare number has no unit; where a place takes one (KFBOT_UNANSWERED_RETENTION's days) it says
 * so with `bareUnit`, elsewhere a bare number is refused, so "5" never silently means 5 ms or 5 days.
 */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
type Unit = keyof typeof UNIT_MS;

const NUMBER = /^\d+(?:\.\d+)?$/;
const PARTS =
  /^(?:(\d+(?:\.\d+)?)\s*d)?\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*m)?\s*(?:(\d+(?:\.\d+)?)\s*s)?$/;

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string, opts: { bareUnit?: Unit } = {}): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  if (NUMBER.test(t)) return opts.bareUnit ? Number(t) * UNIT_MS[opts.bareUnit] : undefined;
  const m = PARTS.exec(t);
  if (!m) return undefined;
  return (['d', 'h', 'm', 's'] as const).reduce(
    (ms, unit, i) => ms + Number(m[i + 1] ?? 0) * UNIT_MS[unit],
    0,
  );
}

/** How a duration reads in logs and explain: "5m", "1h30m", "90s" (hours at most). */
export function showDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts = [
    [Math.floor(s / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ] as const;
  return (
    parts
      .filter(([n]) => n > 0)
      .map(([n, u]) => `${n}${u}`)
      .join('') || '0s'
  );
}
