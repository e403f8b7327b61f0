/**
 * Reply templates: text with `{{name}}` placeholders filled from facts and variables, nothing
 * more. No expressions, no property access, no code: a rule author cannot reach anything but the
 * names the rule compiler allows, and a value is inserted as plain text — a nickname containing
 * `{{var.x}}` stays literal, so customers cannot inject placeholders.
 *
 *   {{nickname}}        the value; empty if it is missing
 *   {{ nickname | 亲 }} the value, or 亲 when it is missing or empty
 *   \{{                 a literal {{
 */

export interface TemplateProblem {
  /** UTF-16 offset of the `{{` in the source. */
  offset: number;
  message: string;
}

/** A placeholder name; after the dot the same characters as var./counter. names (fact-catalogue STATE_FACT). */
export const PLACEHOLDER_NAME = /^[a-z_][a-z0-9_]*(\.[\p{L}\p{N}_-]{1,64})?$/iu;

export class Template {
  /** The distinct placeholder names used, in order of first use. */
  readonly names: readonly string[];
  /** The whole text when there are no placeholders (so callers can check its length once, at load). */
  readonly constant: string | undefined;
  // Source split around placeholders: literals[0] hole[0] literals[1] … hole[n-1] literals[n].
  readonly #literals: readonly string[];
  readonly #holes: readonly string[];
  readonly #defaults: readonly string[];

  /** Use `compileTemplate`. */
  constructor(literals: readonly string[], holes: readonly string[], defaults: readonly string[]) {
    this.#literals = literals;
    this.#holes = holes;
    this.#defaults = defaults;
    this.names = [...new Set(holes)];
    this.constant = holes.length === 0 ? literals[0] : undefined;
  }

  /** The text before the first placeholder (all of it when there is none). */
  get prefix(): string {
    return this.#literals[0] as string;
  }

  /**
   * Like `render`, for a call's request: each value passes through `encode` for where it goes
   * (percent-encoding in a URL, JSON escaping in a body) while the written text stays as written,
   * and an {{env.X}} stays a reference, read only when the request is made, so the value is never
   * stored or shown.
   */
  renderParts(
    lookup: (name: string) => string | undefined,
    encode: (value: string) => string,
    literal: (text: string) => string = (text) => text,
  ): (string | { env: string })[] {
    const out: (string | { env: string })[] = [literal(this.#literals[0] as string)];
    for (let i = 0; i < this.#holes.length; i++) {
      const name = this.#holes[i] as string;
      if (name.startsWith('env.')) out.push({ env: name.slice(4) });
      else {
        const value = lookup(name);
        out.push(encode(value === undefined || value === '' ? (this.#defaults[i] as string) : value));
      }
      out.push(literal(this.#literals[i + 1] as string));
    }
    return out.filter((p) => p !== '');
  }

  /**
   * The text with each placeholder replaced by `lookup(name)`, or by its default when that is
   * undefined or empty. `lookup` is not called for a template without placeholders.
   */
  render(lookup: (name: string) => string | undefined): string {
    if (this.constant !== undefined) return this.constant;
    const literals = this.#literals;
    const holes = this.#holes;
    let out = literals[0] as string;
    for (let i = 0; i < holes.length; i++) {
      const value = lookup(holes[i] as string);
      out += value === undefined || value === '' ? (this.#defaults[i] as string) : value;
      out += literals[i + 1] as string;
    }
    return out;
  }
}

/**
 * Parses a template, reporting every problem: a `{{` never closed, a malformed name, or a name
 * `known` rejects. When `known` is a Set, or `listed` is given, the message for an unknown name
 * lists the known ones (and suggests the nearest).
 */
export function compileTemplate(
  source: string,
  known: ReadonlySet<string> | ((name: string) => boolean),
  listed: Iterable<string> = typeof known === 'function' ? [] : known,
): { template: Template } | { problems: TemplateProblem[] } {
  const isKnown = typeof known === 'function' ? known : (name: string) => known.has(name);
  const problems: TemplateProblem[] = [];
  const literals: string[] = [];
  const holes: string[] = [];
  const defaults: string[] = [];
  let literal = '';
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) break;
    if (open > 0 && source[open - 1] === '\\') {
      literal += `${source.slice(i, open - 1)}{{`;
      i = open + 2;
      continue;
    }
    literal += source.slice(i, open);
    const close = source.indexOf('}}', open + 2);
    const nextOpen = source.indexOf('{{', open + 2);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      problems.push({
        offset: open,
        message: `"{{" is not closed by "}}"${close < 0 ? '' : ' before the next "{{"'}; write \\{{ for a literal {{`,
      });
      if (close < 0) break;
      i = nextOpen;
      continue;
    }
    const inner = source.slice(open + 2, close);
    const bar = inner.indexOf('|');
    const name = (bar < 0 ? inner : inner.slice(0, bar)).trim();
    if (!PLACEHOLDER_NAME.test(name)) {
      problems.push({
        offset: open,
        message:
          name === ''
            ? 'empty placeholder "{{}}"; write \\{{ for a literal {{'
            : `"${name}" is not a placeholder name (letters, digits and _, like nickname or var.city)`,
      });
    } else if (!isKnown(name)) {
      problems.push({ offset: open, message: unknownName(name, [...listed]) });
    }
    literals.push(literal);
    holes.push(name);
    defaults.push(bar < 0 ? '' : inner.slice(bar + 1).trim());
    literal = '';
    i = close + 2;
  }
  literals.push(literal + source.slice(i));
  if (problems.length > 0) return { problems };
  return { template: new Template(literals, holes, defaults) };
}

function unknownName(name: string, listed: string[]): string {
  let message = `unknown placeholder "${name}"`;
  if (listed.length === 0) return message;
  const nearest = listed
    .map((known) => ({ known, distance: editDistance(name.toLowerCase(), known.toLowerCase()) }))
    .filter((c) => c.distance <= Math.max(1, Math.floor(name.length / 3)))
    .sort((a, b) => a.distance - b.distance)[0];
  if (nearest) message += ` (did you mean "${nearest.known}"?)`;
  return `${message}; known: ${listed.join(', ')}`;
}

/** Levenshtein distance, for "did you mean" on names a few characters long. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitute, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
