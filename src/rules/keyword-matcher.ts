/**
 * Finds which of many keywords occur in a text in one pass over the text (Aho–Corasick), so a
 * message is tested against 10,000 keyword rules in time that depends on the message, not on the
 * number of rules. Keywords and texts are compared exactly as given: callers run both through
 * `normalizeText` first.
 *
 * Typed-array reads below are cast to `number`: every index is a state, edge or value id created
 * by the constructor, so it is in range by construction.
 */

// `#edgeChar` of a state: the code point of its only child, or one of these.
const NO_CHILD = -1;
const MANY_CHILDREN = -2;
const ROOT = 0;

export class KeywordMatcher<T> {
  /** How many distinct keywords the matcher holds. */
  readonly size: number;

  /** Value id → value; ids follow the order values first appear in the entries. */
  readonly #values: T[];
  // Trie edges. Tries of Chinese keywords are mostly chains, so a state with one child keeps it
  // inline and only branching states pay for a Map.
  readonly #edgeChar: Int32Array;
  readonly #edgeNext: Int32Array;
  readonly #children: (Map<number, number> | undefined)[];
  /** Longest proper suffix of the state's string that is also a trie state. */
  readonly #fail: Int32Array;
  /** Nearest state on the failure chain (the state itself excluded) where a keyword ends; ROOT = none. */
  readonly #outLink: Int32Array;
  /** Value ids of keywords ending exactly at state s: `#outIds[#outStart[s] .. #outStart[s + 1])`. */
  readonly #outStart: Int32Array;
  readonly #outIds: Int32Array;
  // Per-call scratch. Marks are stamped with a generation number instead of being cleared, so a
  // call allocates nothing but its result.
  readonly #stateMark: Uint32Array;
  readonly #valueMark: Uint32Array;
  readonly #found: Int32Array;
  #generation = 0;

  /** Throws if a keyword is empty (it would match every text). The same keyword may carry several values. */
  constructor(entries: Iterable<readonly [keyword: string, value: T]>) {
    const edgeChar: number[] = [NO_CHILD];
    const edgeNext: number[] = [0];
    const children: (Map<number, number> | undefined)[] = [undefined];
    const outputs: (number[] | undefined)[] = [undefined];
    const valueIds = new Map<T, number>();
    const values: T[] = [];
    const child = (s: number, cp: number): number => {
      const c = edgeChar[s] as number;
      if (c === cp) return edgeNext[s] as number;
      if (c === MANY_CHILDREN) return children[s]?.get(cp) ?? -1;
      return -1;
    };

    let index = 0;
    let size = 0;
    for (const [keyword, value] of entries) {
      if (keyword.length === 0) {
        throw new Error(`keyword #${index} is empty; an empty keyword would match every text`);
      }
      let s = ROOT;
      for (let i = 0; i < keyword.length; ) {
        const cp = keyword.codePointAt(i) as number;
        i += cp > 0xffff ? 2 : 1;
        let next = child(s, cp);
        if (next < 0) {
          next = edgeChar.length;
          edgeChar.push(NO_CHILD);
          edgeNext.push(0);
          children.push(undefined);
          outputs.push(undefined);
          const c = edgeChar[s] as number;
          if (c === NO_CHILD) {
            edgeChar[s] = cp;
            edgeNext[s] = next;
          } else if (c === MANY_CHILDREN) {
            children[s]?.set(cp, next);
          } else {
            children[s] = new Map([
              [c, edgeNext[s] as number],
              [cp, next],
            ]);
            edgeChar[s] = MANY_CHILDREN;
          }
        }
        s = next;
      }
      let id = valueIds.get(value);
      if (id === undefined) {
        id = values.length;
        valueIds.set(value, id);
        values.push(value);
      }
      // A repeated (keyword, value) pair is kept: matching removes duplicates anyway.
      const out = outputs[s];
      if (out) out.push(id);
      else {
        outputs[s] = [id];
        size++;
      }
      index++;
    }

    const states = edgeChar.length;
    const fail = new Int32Array(states);
    const outLink = new Int32Array(states);
    // Breadth-first, so a state's failure target (always shallower) is final before it is used.
    const queue = new Int32Array(states);
    let head = 0;
    let tail = 0;
    const link = (parent: number, cp: number, s: number): void => {
      let f = parent === ROOT ? -1 : (fail[parent] as number);
      let target = -1;
      while (f >= 0) {
        target = child(f, cp);
        if (target >= 0 || f === ROOT) break;
        f = fail[f] as number;
      }
      const fs = target < 0 ? ROOT : target;
      fail[s] = fs;
      outLink[s] = outputs[fs] ? fs : (outLink[fs] as number);
      queue[tail++] = s;
    };
    const visitChildren = (s: number): void => {
      const c = edgeChar[s] as number;
      if (c >= 0) link(s, c, edgeNext[s] as number);
      else if (c === MANY_CHILDREN) for (const [cp, next] of children[s] ?? []) link(s, cp, next);
    };
    visitChildren(ROOT);
    while (head < tail) visitChildren(queue[head++] as number);

    const outStart = new Int32Array(states + 1);
    let total = 0;
    for (let s = 0; s < states; s++) {
      outStart[s] = total;
      total += outputs[s]?.length ?? 0;
    }
    outStart[states] = total;
    const outIds = new Int32Array(total);
    for (let s = 0; s < states; s++) outIds.set(outputs[s] ?? [], outStart[s]);

    this.size = size;
    this.#values = values;
    this.#edgeChar = Int32Array.from(edgeChar);
    this.#edgeNext = Int32Array.from(edgeNext);
    this.#children = children;
    this.#fail = fail;
    this.#outLink = outLink;
    this.#outStart = outStart;
    this.#outIds = outIds;
    this.#stateMark = new Uint32Array(states);
    this.#valueMark = new Uint32Array(values.length);
    this.#found = new Int32Array(values.length);
  }

  /**
   * The values of every keyword occurring in `text` (overlapping occurrences included), each once,
   * in the order the values first appeared in the constructor's entries — so when values are
   * rules given in priority order, the result is already in priority order.
   */
  findAll(text: string): T[] {
    const gen = this.#nextGeneration();
    const stateMark = this.#stateMark;
    const valueMark = this.#valueMark;
    const outStart = this.#outStart;
    const outIds = this.#outIds;
    const outLink = this.#outLink;
    const found = this.#found;
    let count = 0;
    let s = ROOT;
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i) as number;
      i += cp > 0xffff ? 2 : 1;
      s = this.#step(s, cp);
      // Walk the keywords ending here. A state already marked this call had its whole chain
      // collected then, so stopping there keeps a call O(text + distinct matches).
      let o = (outStart[s + 1] as number) > (outStart[s] as number) ? s : (outLink[s] as number);
      while (o !== ROOT && stateMark[o] !== gen) {
        stateMark[o] = gen;
        const end = outStart[o + 1] as number;
        for (let k = outStart[o] as number; k < end; k++) {
          const id = outIds[k] as number;
          if (valueMark[id] !== gen) {
            valueMark[id] = gen;
            found[count++] = id;
          }
        }
        o = outLink[o] as number;
      }
    }
    if (count > 1) found.subarray(0, count).sort();
    const result = new Array<T>(count);
    for (let k = 0; k < count; k++) result[k] = this.#values[found[k] as number] as T;
    return result;
  }

  /** Whether any keyword occurs in `text`; stops at the first. */
  has(text: string): boolean {
    const outStart = this.#outStart;
    let s = ROOT;
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i) as number;
      i += cp > 0xffff ? 2 : 1;
      s = this.#step(s, cp);
      if ((outStart[s + 1] as number) > (outStart[s] as number) || this.#outLink[s] !== ROOT) return true;
    }
    return false;
  }

  /** The state after reading `cp` in state `s`, following failure links until an edge exists. */
  #step(s: number, cp: number): number {
    for (;;) {
      const c = this.#edgeChar[s] as number;
      if (c === cp) return this.#edgeNext[s] as number;
      if (c === MANY_CHILDREN) {
        const next = this.#children[s]?.get(cp);
        if (next !== undefined) return next;
      }
      if (s === ROOT) return ROOT;
      s = this.#fail[s] as number;
    }
  }

  #nextGeneration(): number {
    if (this.#generation === 0xffffffff) {
      this.#stateMark.fill(0);
      this.#valueMark.fill(0);
      this.#generation = 0;
    }
    return ++this.#generation;
  }
}
