/**
 * The fast reader for rule files: js-yaml's event parser, three to four times faster than the
 * `yaml` package in a process that has just started (the case of every `kfbot serve`), with the
 * data built here the way `yaml` builds it (YAML 1.2 core schema, plain objects) and every node's
 * start kept for file:line:column. It reads only the plain YAML rule files are written in: one
 * document, a mapping at the top, no anchors, aliases, tags or directives, string keys, no
 * duplicate key, flow collections indented deeper than the block around them, no tab. Whatever
 * else it meets, it returns undefined and the `yaml` package reads the file (full-yaml.ts), so
 * every YAML mistake keeps its message and place, and test/rules/yaml-file.test.ts checks that
 * both read alike whatever the fast one accepts.
 */
import {
  COLLECTION_STYLE,
  EVENT_ID,
  type Event,
  getScalarValue,
  type MappingEvent,
  parseEvents,
  SCALAR_STYLE,
  type ScalarEvent,
  type SequenceEvent,
} from 'js-yaml';
import { linePositions } from './line-starts.ts';
import type { YamlFile, YamlPath } from './yaml-file.ts';

/** Where a node starts: a scalar's offset, or a collection's with where each entry starts. */
type Place = number | Collection;

interface Collection {
  readonly start: number;
  readonly keys?: ReadonlyMap<string, { readonly key: number; readonly value: Place }>;
  readonly items?: readonly Place[];
}

const startOf = (place: Place): number => (typeof place === 'number' ? place : place.start);

interface Read {
  value: unknown;
  place: Place;
  /** The offset just after the node's last character. */
  end: number;
}

/**
 * Where a node sits: what is known of the text before it, to find where `yaml` says it starts,
 * and the column of the block collection it is in (NONE in a flow collection).
 */
type Slot =
  | { in: 'root'; indent: number }
  /** `colon` is NONE for a key with no `:` in a flow mapping (`{ a }`). */
  | { in: 'value'; indent: number; keyStart: number; keyEnd: number; colon: number }
  /** `after`: the sequence's start for its first item, else where the previous item ended. */
  | { in: 'item'; indent: number; after: number; flow: boolean };

/** js-yaml's "no such range". */
const NONE = -1;

/** Thrown while reading when the file leaves the plain subset: the full parser reads it instead. */
class NotPlain extends Error {}

export function readPlainYaml(source: string): YamlFile | undefined {
  // Tabs and lone carriage returns are where YAML parsers disagree most; not worth the risk.
  if (source.includes('\t') || /\r(?!\n)/.test(source)) return undefined;
  let root: Read;
  try {
    root = new EventReader(source, parseEvents(source, {})).document();
  } catch {
    // A YAML mistake (js-yaml's exception) or a file outside the subset: the full parser says which.
    return undefined;
  }
  const rootPlace = root.place;
  return {
    data: root.value,
    issues: [],
    offsetOf: (path, key) => offsetOf(rootPlace, path, key),
    linePos: linePositions(source),
  };
}

/** The offset of the deepest node along `path` that exists, as full-yaml.ts finds it. */
function offsetOf(root: Place, path: YamlPath, key: boolean): number {
  let place: Place | undefined = root;
  let offset = startOf(root);
  for (let i = 0; i < path.length; i++) {
    const step = path[i] as string | number;
    if (typeof place === 'number') {
      return offset;
    } else if (place.keys) {
      const entry = place.keys.get(String(step));
      if (!entry) return offset;
      if (key && i === path.length - 1) return entry.key;
      place = entry.value;
    } else if (place.items && typeof step === 'number') {
      place = place.items[step];
      if (!place) return offset;
    } else {
      return offset;
    }
    offset = startOf(place);
  }
  return offset;
}

/**
 * The YAML 1.2 core schema's reading of a plain scalar, in the `yaml` package's order and with
 * its conversions (`0o17`, `0x1F`, `.inf`, `1e3`; `012` is twelve).
 */
function plainValue(text: string): unknown {
  // Most scalars are words: none of the patterns below can match what does not start like them.
  if (text !== '' && !/^[-+.~0-9nNtTfF]/.test(text)) return text;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text)) return text[0] === 't' || text[0] === 'T';
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) {
    if (text.slice(-3).toLowerCase() === 'nan') return Number.NaN;
    return text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return Number.parseFloat(text);
  return text;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const HASH = 0x23;

/**
 * Builds the data from js-yaml's events, in one pass. js-yaml's offsets are of the content; the
 * starts kept are the `yaml` package's (a quoted scalar at its quote, a block scalar at its `|`,
 * an empty value just after its `:` and the spaces that follow).
 */
class EventReader {
  /** The next event to read (a plain field: a #private one is slower in code not yet optimised). */
  private next = 0;

  constructor(
    private readonly source: string,
    private readonly events: readonly Event[],
  ) {}

  document(): Read {
    const doc = this.events[0];
    if (doc?.type !== EVENT_ID.DOCUMENT || doc.directives.length > 0) throw new NotPlain();
    // A rule file is a mapping; anything else is a mistake the full parser's reading reports.
    if (this.events[1]?.type !== EVENT_ID.MAPPING) throw new NotPlain();
    this.next = 1;
    const root = this.node({ in: 'root', indent: NONE });
    // Exactly the document's end must remain: a second document is the full parser's error.
    if (this.next !== this.events.length - 1 || this.events[this.next]?.type !== EVENT_ID.POP)
      throw new NotPlain();
    return root;
  }

  node(slot: Slot): Read {
    const event = this.events[this.next++];
    switch (event?.type) {
      case EVENT_ID.SCALAR:
        return this.scalar(event, slot);
      case EVENT_ID.MAPPING:
        return this.mapping(event, slot.indent);
      case EVENT_ID.SEQUENCE:
        return this.sequence(event, slot.indent);
      default:
        throw new NotPlain(); // an alias
    }
  }

  scalar(event: ScalarEvent, slot: Slot): Read {
    if (event.anchorStart !== NONE || event.tagStart !== NONE) throw new NotPlain();
    if (event.valueStart === NONE) {
      if (slot.in !== 'value') throw new NotPlain();
      // `{ a }` has no value node in `yaml`: its place is the key's.
      if (slot.colon === NONE) return { value: null, place: slot.keyStart, end: slot.keyEnd };
      const start = this.skipSpaces(slot.colon + 1);
      return { value: null, place: start, end: start };
    }
    const text = getScalarValue(this.source, event);
    switch (event.style) {
      case SCALAR_STYLE.PLAIN:
        return { value: plainValue(text), place: event.valueStart, end: event.valueEnd };
      case SCALAR_STYLE.SINGLE_QUOTED:
      case SCALAR_STYLE.DOUBLE_QUOTED:
        return { value: text, place: this.quoteStart(event), end: event.valueEnd + 1 };
      default:
        return { value: text, place: this.blockHeader(slot), end: event.valueEnd };
    }
  }

  mapping(event: MappingEvent, parentIndent: number): Read {
    if (event.anchorStart !== NONE || event.tagStart !== NONE) throw new NotPlain();
    const flow = event.style === COLLECTION_STYLE.FLOW;
    // A flow mapping not opened by `{` is a pair inside `[ ]`.
    if (flow && this.source[event.start] !== '{') throw new NotPlain();
    const indent = flow ? NONE : this.column(event.start);
    const value: Record<string, unknown> = {};
    const keys = new Map<string, { key: number; value: Place }>();
    let end = event.start + 1;
    while (this.events[this.next]?.type !== EVENT_ID.POP) {
      const key = this.key(flow);
      if (keys.has(key.text)) throw new NotPlain(); // the full parser reports the duplicate
      const item = this.node({ in: 'value', indent, keyStart: key.start, keyEnd: key.end, colon: key.colon });
      keys.set(key.text, { key: key.start, value: item.place });
      // As `yaml` does: a key such as __proto__ or toString becomes an own property.
      if (key.text in value)
        Object.defineProperty(value, key.text, {
          value: item.value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      else value[key.text] = item.value;
      end = Math.max(end, item.end);
    }
    this.next++;
    return {
      value,
      place: { start: event.start, keys },
      end: flow ? this.flowEnd(event.start, end, '}', parentIndent) : end,
    };
  }

  sequence(event: SequenceEvent, parentIndent: number): Read {
    if (event.anchorStart !== NONE || event.tagStart !== NONE) throw new NotPlain();
    const flow = event.style === COLLECTION_STYLE.FLOW;
    if (this.source[event.start] !== (flow ? '[' : '-')) throw new NotPlain();
    const indent = flow ? NONE : this.column(event.start);
    const value: unknown[] = [];
    const items: Place[] = [];
    let end = event.start + 1;
    while (this.events[this.next]?.type !== EVENT_ID.POP) {
      const item = this.node({ in: 'item', indent, after: items.length === 0 ? event.start : end, flow });
      value.push(item.value);
      items.push(item.place);
      end = Math.max(end, item.end);
    }
    this.next++;
    return {
      value,
      place: { start: event.start, items },
      end: flow ? this.flowEnd(event.start, end, ']', parentIndent) : end,
    };
  }

  /** A mapping key: a string scalar on one line, followed by its `:` (or, in `{ }`, by `,` or `}`). */
  key(flow: boolean): { text: string; start: number; end: number; colon: number } {
    const event = this.events[this.next++];
    if (
      event?.type !== EVENT_ID.SCALAR ||
      event.anchorStart !== NONE ||
      event.tagStart !== NONE ||
      event.valueStart === NONE
    )
      throw new NotPlain();
    const text = getScalarValue(this.source, event);
    let start: number;
    let end: number;
    if (event.style === SCALAR_STYLE.PLAIN) {
      // `yaml` turns a null, boolean or number key into a string its own way.
      if (typeof plainValue(text) !== 'string') throw new NotPlain();
      start = event.valueStart;
      end = event.valueEnd;
    } else if (event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED) {
      start = this.quoteStart(event);
      end = event.valueEnd + 1;
    } else {
      throw new NotPlain();
    }
    // `yaml` refuses implicit keys over 1,024 characters or on several lines; `? key` (an
    // explicit key) is left to it too.
    if (
      end - start > 1000 ||
      this.source.lastIndexOf('\n', end) >= start ||
      this.source.charCodeAt(this.skipSpacesBack(start - 1)) === 0x3f
    )
      throw new NotPlain();
    const after = this.skipSpaces(end);
    const next = this.source[after];
    if (next === ':') return { text, start, end, colon: after };
    if (flow && (next === ',' || next === '}')) return { text, start, end, colon: NONE };
    throw new NotPlain();
  }

  /** Where `yaml` starts a quoted scalar: its opening quote. */
  quoteStart(event: ScalarEvent): number {
    const quote = event.style === SCALAR_STYLE.SINGLE_QUOTED ? "'" : '"';
    if (this.source[event.valueStart - 1] !== quote) throw new NotPlain();
    return event.valueStart - 1;
  }

  /** Where `yaml` starts a block scalar: its `|` or `>`, right after the `:` or `-` before it. */
  blockHeader(slot: Slot): number {
    let at: number;
    if (slot.in === 'value' && slot.colon !== NONE) {
      at = this.skipSpaces(slot.colon + 1);
    } else if (slot.in === 'item' && !slot.flow) {
      const dash = this.skipBlank(slot.after);
      if (this.source[dash] !== '-') throw new NotPlain();
      at = this.skipSpaces(dash + 1);
    } else {
      throw new NotPlain();
    }
    const c = this.source[at];
    if (c !== '|' && c !== '>') throw new NotPlain();
    return at;
  }

  /**
   * The end of a flow collection, which js-yaml does not give: its closing bracket, after the
   * last entry and any spaces, commas, line breaks and comments. Inside a block collection, a
   * line of it (even a comment) indented no more than that collection is where `yaml` may err or
   * warn (a `]` at the parent's indent), so such a file is left to it.
   */
  flowEnd(start: number, lastEnd: number, closer: ']' | '}', parentIndent: number): number {
    let at = this.skipBlank(lastEnd);
    while (this.source[at] === ',') at = this.skipBlank(at + 1);
    if (this.source[at] !== closer) throw new NotPlain();
    if (parentIndent !== NONE) {
      for (
        let nl = this.source.indexOf('\n', start);
        nl !== -1 && nl < at;
        nl = this.source.indexOf('\n', nl + 1)
      ) {
        const first = this.skipSpaces(nl + 1);
        const c = this.source.charCodeAt(first);
        if (c !== NEWLINE && c !== RETURN && first - (nl + 1) <= parentIndent) throw new NotPlain();
      }
    }
    return at + 1;
  }

  /** The column (0-based) of an offset. */
  column(at: number): number {
    return at - (this.source.lastIndexOf('\n', at - 1) + 1);
  }

  skipSpaces(at: number): number {
    while (this.source.charCodeAt(at) === SPACE) at++;
    return at;
  }

  skipSpacesBack(at: number): number {
    while (at >= 0 && this.source.charCodeAt(at) === SPACE) at--;
    return at;
  }

  /** Past spaces, line breaks and comments. */
  skipBlank(at: number): number {
    for (;;) {
      const c = this.source.charCodeAt(at);
      if (c === SPACE || c === NEWLINE || c === RETURN) at++;
      else if (c === HASH) {
        // A `#` right after other text is not a comment; leave that file to the full parser.
        const before = this.source.charCodeAt(at - 1);
        if (before !== SPACE && before !== NEWLINE && before !== RETURN) throw new NotPlain();
        const newline = this.source.indexOf('\n', at);
        at = newline === -1 ? this.source.length : newline;
      } else return at;
    }
  }
}
