/** "30d", "24h", "90m", "45s" → milliseconds; a bare number is days. undefined if malformed. */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([dhms]?)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[(m[2] || 'd') as keyof typeof UNIT_MS];
}
