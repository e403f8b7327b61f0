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

/**
 * Where a node sits: what is known of the text before it, to find where `yaml` says it starts,
 * and the column of the block collection it is in (NONE in a flow collection).
 */
type Slot =
  | { in: 'root'; indent: number }
  | KeySlot
  | { in: 'item'; indent: number; after: number; flow: boolean };

/**
 * A mapping value's slot: its key. `colon` is NONE for a key with no `:` in a flow mapping
 * (`{ a }`). (An item's `after` is the sequence's start for its first item, else where the
 * previous item ended.)
 */
interface KeySlot {
  in: 'value';
  indent: number;
  text: string;
  keyStart: number;
  keyEnd: number;
  colon: number;
}

/** What `key in {}` finds for a fresh object: `yaml` makes such a key an own property. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** js-yaml's "no such range". */
const NONE = -1;

/** Thrown while reading when the file leaves the plain subset: the full parser reads it instead. */
class NotPlain extends Error {}

export function readPlainYaml(source: string): YamlFile | undefined {
  // Tabs and lone carriage returns are where YAML parsers disagree most; not worth the risk.
  if (source.includes('\t') || /\r(?!\n)/.test(source)) return undefined;
  let reader: EventReader;
  let data: unknown;
  try {
    reader = new EventReader(source, parseEvents(source, {}));
    data = reader.document();
  } catch {
    // A YAML mistake (js-yaml's exception) or a file outside the subset: the full parser says which.
    return undefined;
  }
  const rootPlace = reader.place;
  return {
    data,
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
  // Plain fields, not #private ones: those are markedly slower in code V8 has not optimised yet,
  // which at start-up is all of it.
  /** The next event to read. */
  private next = 0;
  /** Set by every read: where the node just read starts… */
  place: Place = 0;
  /** …and the offset just after its last character. */
  private end = 0;

  constructor(
    private readonly source: string,
    private readonly events: readonly Event[],
  ) {}

  document(): unknown {
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

  node(slot: Slot): unknown {
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

  scalar(event: ScalarEvent, slot: Slot): unknown {
    if (event.anchorStart !== NONE || event.tagStart !== NONE) throw new NotPlain();
    if (event.valueStart === NONE) {
      if (slot.in !== 'value') throw new NotPlain();
      if (slot.colon === NONE) {
        // `{ a }` has no value node in `yaml`: its place is the key's.
        this.place = slot.keyStart;
        this.end = slot.keyEnd;
      } else {
        this.place = this.end = this.skipSpaces(slot.colon + 1);
      }
      return null;
    }
    const text = getScalarValue(this.source, event);
    switch (event.style) {
      case SCALAR_STYLE.PLAIN:
        this.place = event.valueStart;
        this.end = event.valueEnd;
        return plainValue(text);
      case SCALAR_STYLE.SINGLE_QUOTED:
      case SCALAR_STYLE.DOUBLE_QUOTED:
        this.place = this.quoteStart(event);
        this.end = event.valueEnd + 1;
        return text;
      default:
        this.place = this.blockHeader(slot);
        this.end = event.valueEnd;
        return text;
    }
  }

  mapping(event: MappingEvent, parentIndent: number): unknown {
    if (event.anchorStart !== NONE || event.tagStart !== NONE) throw new NotPlain();
    const flow = event.style === COLLECTION_STYLE.FLOW;
    // A flow mapping not opened by `{` is a pair inside `[ ]`.
    if (flow && this.source[event.start] !== '{') throw new NotPlain();
    const indent = flow ? NONE : this.column(event.start);
    const value: Record<string, unknown> = {};
    const keys = new Map<string, { key: number; value: Place }>();
    let end = event.start + 1;
    while (this.events[this.next]?.type !== EVENT_ID.POP) {
      const slot = this.key(flow, indent);
      if (keys.has(slot.text)) throw new NotPlain(); // the full parser reports the duplicate
      const item = this.node(slot);
      keys.set(slot.text, { key: slot.keyStart, value: this.place });
      // As `yaml` does: a key such as __proto__ or toString becomes an own property.
      if (INHERITED.has(slot.text))
        Object.defineProperty(value, slot.text, {
          value: item,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      else value[slot.text] = item;
      end = Math.max(end, this.end);
    }
    this.next++;
    this.end = flow ? this.flowEnd(event.start, end, '}', parentIndent) : end;
    this.place = { start: event.start, keys };
    return value;
  }

  sequence(event: SequenceEvent, parentIndent: number): unknown {
    if (event.anchorStart !== NONE || event.tagStart !== NONE) throw new NotPlain();
    const flow = event.style === COLLECTION_STYLE.FLOW;
    if (this.source[event.start] !== (flow ? '[' : '-')) throw new NotPlain();
    const indent = flow ? NONE : this.column(event.start);
    const value: unknown[] = [];
    const items: Place[] = [];
    let end = event.start + 1;
    while (this.events[this.next]?.type !== EVENT_ID.POP) {
      value.push(this.node({ in: 'item', indent, after: items.length === 0 ? event.start : end, flow }));
      items.push(this.place);
      end = Math.max(end, this.end);
    }
    this.next++;
    this.end = flow ? this.flowEnd(event.start, end, ']', parentIndent) : end;
    this.place = { start: event.start, items };
    return value;
  }

  /** A mapping key: a string scalar on one line, followed by its `:` (or, in `{ }`, by `,` or `}`). */
  key(flow: boolean, indent: number): KeySlot {
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
    if (next === ':') return { in: 'value', indent, text, keyStart: start, keyEnd: end, colon: after };
    if (flow && (next === ',' || next === '}'))
      return { in: 'value', indent, text, keyStart: start, keyEnd: end, colon: NONE };
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
