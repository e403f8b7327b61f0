/**
 * The written form of per-API frequency limits, shared by `kfbot wecom-simulator --rate-limit` and
 * kfbot's own budget (KFBOT_API_BUDGET): comma-separated `CALLS/WINDOW`, the window in s, m or h —
 * `10000/1m,150000/1h` is WeCom's documented limit (§3), `100/2s,1000/20s` a scaled-down one.
 */
export interface RateLimitSpec {
  max: number;
  windowMs: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseRateLimits(text: string): { limits: RateLimitSpec[] } | { error: string } {
  const limits: RateLimitSpec[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|m|h)$/.exec(part);
    const max = Number(m?.[1]);
    const windowMs = Number(m?.[2] ?? 1) * (UNIT_MS[m?.[3] ?? ''] ?? Number.NaN);
    if (!m || !(max >= 1) || !(windowMs >= 1)) {
      return {
        error: `"${part}" is not CALLS/WINDOW with a window in ms, s, m or h (e.g. 10000/1m,150000/1h)`,
      };
    }
    limits.push({ max, windowMs });
  }
  return { limits };
}

export function formatRateLimits(limits: readonly RateLimitSpec[]): string {
  return limits
    .map(({ max, windowMs }) =>
      windowMs % 3_600_000 === 0
        ? `${max}/${windowMs / 3_600_000}h`
        : windowMs % 60_000 === 0
          ? `${max}/${windowMs / 60_000}m`
          : windowMs % 1000 === 0
            ? `${max}/${windowMs / 1000}s`
            : `${max}/${windowMs}ms`,
    )
    .join(',');
}
