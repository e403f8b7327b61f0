/**
 * Small readers for JSON objects whose shape we do not control (WeCom responses, sync_msg items).
 * They never throw anything but `ShapeError`, which says which field was wrong, so decoders can
 * turn a bad item into data instead of crashing.
 */

export type JsonObject = Record<string, unknown>;

export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path} should be ${expected}`);
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Reader {
  constructor(
    readonly obj: JsonObject,
    readonly path: string,
  ) {}

  static of(value: unknown, path: string): Reader {
    if (!isObject(value)) throw new ShapeError(path, 'an object');
    return new Reader(value, path);
  }

  private at(key: string): string {
    return `${this.path}.${key}`;
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  str(key: string): string {
    const v = this.obj[key];
    if (typeof v !== 'string') throw new ShapeError(this.at(key), 'a string');
    return v;
  }

  optStr(key: string): string | undefined {
    return this.has(key) ? this.str(key) : undefined;
  }

  /** A string, or a number that WeCom sometimes sends in its place (kept as its decimal text). */
  strOrNum(key: string): string {
    const v = this.obj[key];
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return this.str(key);
  }

  optStrOrNum(key: string): string | undefined {
    return this.has(key) ? this.strOrNum(key) : undefined;
  }

  num(key: string): number {
    const v = this.obj[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    // Numbers quoted as strings occur in WeCom payloads (e.g. media/upload created_at).
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    throw new ShapeError(this.at(key), 'a number');
  }

  optNum(key: string): number | undefined {
    return this.has(key) ? this.num(key) : undefined;
  }

  child(key: string): Reader {
    return Reader.of(this.obj[key], this.at(key));
  }

  optChild(key: string): Reader | undefined {
    return this.has(key) ? this.child(key) : undefined;
  }

  array(key: string): unknown[] {
    const v = this.obj[key];
    if (!Array.isArray(v)) throw new ShapeError(this.at(key), 'an array');
    return v;
  }

  optArray(key: string): unknown[] {
    return this.has(key) ? this.array(key) : [];
  }
}

type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * Drops the keys whose value is undefined, so optional fields are absent rather than present and
 * undefined (exactOptionalPropertyTypes; and WeCom rejects some keys sent empty, §9.12).
 */
export function compact<T extends object>(obj: T): Compact<T> {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as Compact<T>;
}
