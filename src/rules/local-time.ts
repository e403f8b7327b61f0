/**
 * Local wall-clock time in a named IANA timezone, fast enough to run on every decision: the local
 * date, weekday and minute of an instant (for `time` conditions and schedules).
 */

/** 0 = Sunday … 6 = Saturday, as `Date#getDay`. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface LocalParts {
  date: string;
  weekday: Weekday;
  /** Whole minutes since local midnight. */
  minutes: number;
}

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/**
 * One timezone's UTC offset, remembered for the 15-minute slice of time it was last asked about:
 * creating an Intl.DateTimeFormat costs ~100 µs and formatting with it ~3 µs, against a budget of
 * 50 µs per decision. Offsets only change at transitions, which sit on 15-minute boundaries in
 * every zone in use today; a slice whose two ends disagree is never cached, so a zone with an
 * odd historical transition is still answered correctly, just slower.
 */
export class Zone {
  static readonly #byName = new Map<string, Zone>();
  static #canonical: Map<string, string> | undefined;
  static readonly #SLICE_MS = 15 * MINUTE_MS;
  /** Made on first use: the first DateTimeFormat of a process loads ICU's data (~30 ms). */
  #format: Intl.DateTimeFormat | undefined;
  #slice = Number.NaN;
  #offset = 0;

  private constructor(readonly name: string) {}

  /** The zone for an IANA name (any letter case), or undefined if Intl does not know it. */
  static find(name: string): Zone | undefined {
    let zone = Zone.#byName.get(name);
    if (zone) return zone;
    const canonical = Zone.#canonicalName(name);
    if (canonical === undefined) return undefined;
    zone = Zone.#byName.get(canonical) ?? new Zone(canonical);
    Zone.#byName.set(canonical, zone);
    Zone.#byName.set(name, zone);
    return zone;
  }

  /**
   * The name Intl.DateTimeFormat resolves `name` to. Canonical names in any letter case are
   * looked up in Intl's own list, which costs no DateTimeFormat, so loading rules does not pay
   * for ICU's date data; an alias (`PRC`, `US/Pacific`) or an unknown name asks a DateTimeFormat.
   */
  static #canonicalName(name: string): string | undefined {
    Zone.#canonical ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
    const listed = Zone.#canonical.get(name.toLowerCase());
    if (listed !== undefined) return listed;
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      return undefined;
    }
  }

  static get(name: string): Zone {
    const zone = Zone.find(name);
    if (!zone) throw new RangeError(`unknown timezone "${name}"`);
    return zone;
  }

  /** Local wall-clock time as milliseconds since 1970-01-01T00:00 local. */
  local(epochMs: number): number {
    const slice = Math.floor(epochMs / Zone.#SLICE_MS);
    if (slice === this.#slice) return epochMs + this.#offset;
    const start = slice * Zone.#SLICE_MS;
    const offset = this.#offsetAt(start);
    if (offset === this.#offsetAt(start + Zone.#SLICE_MS - 1)) {
      this.#slice = slice;
      this.#offset = offset;
      return epochMs + offset;
    }
    return epochMs + this.#offsetAt(epochMs);
  }

  #offsetAt(epochMs: number): number {
    const f = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    this.#format ??= new Intl.DateTimeFormat('en-US', {
      timeZone: this.name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    for (const part of this.#format.formatToParts(epochMs)) {
      if (part.type in f) f[part.type as keyof typeof f] = Number(part.value);
    }
    const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
    return wall - Math.floor(epochMs / 1000) * 1000;
  }
}

/** The canonical IANA name (`asia/shanghai` → `Asia/Shanghai`), or undefined if it is not one. */
export function resolveTimezone(name: string): string | undefined {
  return Zone.find(name)?.name;
}

/** The weekday of a local day number (days since 1970-01-01, a Thursday). */
export const weekdayOf = (day: number): Weekday => ((((day + 4) % 7) + 7) % 7) as Weekday;

/** The local date, weekday and minute of an instant. Throws RangeError for an unknown timezone. */
export function localParts(epochMs: number, timezone: string): LocalParts {
  const local = Zone.get(timezone).local(epochMs);
  const day = Math.floor(local / DAY_MS);
  return {
    date: new Date(day * DAY_MS).toISOString().slice(0, 10),
    weekday: weekdayOf(day),
    minutes: Math.floor((local - day * DAY_MS) / MINUTE_MS),
  };
}
