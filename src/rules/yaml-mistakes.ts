/**
 * The `yaml` package's errors, said where the mistake is and how to fix it. Its positions are
 * where parsing broke, which is not always where the mistake is: an unclosed quote is reported at
 * the end of the file (everything after the quote became the text), an unclosed `[` or `{` where
 * the next line starts, a misindented key at the start of its line. And one mistake usually breaks
 * what follows, so a tab or an open bracket comes with five errors about lines that are fine.
 * This moves each error to the mistake (the opening quote or bracket, the key, the tab), says
 * what to do, and keeps only the first error of the file (and the duplicate keys before it, which
 * are exact and independent), saying how many more followed it.
 */
import type { YamlIssue } from './yaml-file.ts';

/** One `yaml` error: its code (e.g. `MISSING_CHAR`), where it was raised, and its first line. */
export interface YamlError {
  code: string;
  offset: number;
  message: string;
}

/** A token of the source (the `yaml` package's lexer): where it starts, its CST type, its text. */
export interface YamlToken {
  offset: number;
  type: string | undefined;
  text: string;
}

export function explainYamlErrors(
  source: string,
  errors: readonly YamlError[],
  tokens: () => readonly YamlToken[],
): YamlIssue[] {
  const first = errors.findIndex((e) => e.code !== 'DUPLICATE_KEY');
  const shown = first === -1 ? errors : errors.slice(0, first + 1);
  const more = errors.length - shown.length;
  let lexed: readonly YamlToken[] | undefined;
  const t = () => {
    lexed ??= tokens();
    return lexed;
  };
  return shown.map((err, i) => {
    const { offset, message } = explain(source, err, t);
    const after =
      i === shown.length - 1 && more > 0
        ? ` (fix this first: the ${more} YAML error${more === 1 ? '' : 's'} after it in this file may only follow from it)`
        : '';
    return { offset, severity: 'error', message: `${message}${after}` };
  });
}

function explain(
  source: string,
  err: YamlError,
  tokens: () => readonly YamlToken[],
): { offset: number; message: string } {
  const quote = /Missing closing (["'])quote/.exec(err.message)?.[1];
  if (quote) {
    const open = unclosedQuote(tokens(), quote, err.offset);
    if (open !== undefined) {
      const inside = quote === '"' ? 'write \\" for a " inside it' : "write '' for a ' inside it";
      return {
        offset: open,
        message: `${err.message}: the ${quote} that starts this text is never closed, so the rest of the file was read as part of it; add the closing ${quote} where the text ends (${inside})`,
      };
    }
  }
  const bracket = /end with an? ([\]}])/.exec(err.message)?.[1];
  if (bracket) {
    const opener = bracket === ']' ? '[' : '{';
    const open = unclosedBracket(tokens(), opener, err.offset);
    if (open !== undefined) {
      const what = opener === '[' ? 'list' : 'mapping';
      return {
        offset: open,
        message: `${err.message}: the ${opener} that starts this ${what} is never closed; add the ${bracket} where the ${what} ends (one written on one line ends on that line)`,
      };
    }
  }
  switch (err.code) {
    case 'TAB_AS_INDENT': {
      const tab = source.indexOf('\t', lineStart(source, err.offset));
      return {
        offset: tab === -1 ? err.offset : tab,
        message: `${err.message}: YAML indents with spaces only; replace the tab with spaces`,
      };
    }
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      if (atLineStart(source, err.offset)) {
        return {
          offset: firstNonSpace(source, err.offset),
          message: `${err.message}: this line is not indented like the lines it belongs with; give it the same number of spaces as the keys above it in its mapping (or start a new list item with "- ")`,
        };
      }
      break;
    case 'DUPLICATE_KEY': {
      const key = tokens().find((tok) => tok.offset === err.offset && isScalar(tok));
      if (key) {
        const earlier = earlierKey(source, tokens(), key);
        const where =
          earlier === undefined
            ? ''
            : lineStart(source, earlier) === lineStart(source, err.offset)
              ? ` (first at column ${earlier - lineStart(source, earlier) + 1})`
              : ` (first on line ${lineOf(source, earlier)})`;
        return {
          offset: err.offset,
          message: `${err.message}: "${key.text.trim()}" appears twice in this mapping${where}; keep one of them`,
        };
      }
      break;
    }
  }
  return err;
}

function isScalar(tok: YamlToken): boolean {
  return tok.type === undefined || tok.type === 'double-quoted-scalar' || tok.type === 'single-quoted-scalar';
}

/** The quoted scalar left open: the last one starting with `quote` before `before` that is not closed. */
function unclosedQuote(tokens: readonly YamlToken[], quote: string, before: number): number | undefined {
  const type = quote === '"' ? 'double-quoted-scalar' : 'single-quoted-scalar';
  let found: number | undefined;
  for (const tok of tokens) {
    if (tok.offset > before) break;
    if (tok.type === type && !closed(tok.text, quote)) found = tok.offset;
  }
  return found;
}

function closed(text: string, quote: string): boolean {
  const body = text.slice(1);
  if (quote === "'") return body.replace(/''/g, '').endsWith("'");
  const end = /(\\*)"$/.exec(body);
  return end !== null && (end[1] as string).length % 2 === 0;
}

/**
 * The `opener` (`[` or `{`) left open nearest before `before`: brackets are matched as the lexer
 * met them, a closer of the other kind closing the nearest opener of its own kind and leaving the
 * ones inside it open.
 */
function unclosedBracket(tokens: readonly YamlToken[], opener: string, before: number): number | undefined {
  const stack: YamlToken[] = [];
  const open: YamlToken[] = [];
  for (const tok of tokens) {
    if (tok.type === 'flow-seq-start' || tok.type === 'flow-map-start') stack.push(tok);
    else if (tok.type === 'flow-seq-end' || tok.type === 'flow-map-end') {
      const want = tok.type === 'flow-seq-end' ? '[' : '{';
      const i = stack.map((s) => s.text).lastIndexOf(want);
      if (i !== -1) open.push(...stack.splice(i).slice(1));
    }
  }
  open.push(...stack);
  let found: number | undefined;
  for (const tok of open) {
    if (tok.text === opener && tok.offset < before && (found === undefined || tok.offset > found))
      found = tok.offset;
  }
  return found;
}

/** The same key earlier in the file, at the same column, followed by `:`; undefined if none. */
function earlierKey(source: string, tokens: readonly YamlToken[], key: YamlToken): number | undefined {
  const col = key.offset - lineStart(source, key.offset);
  const inFlow = source.slice(lineStart(source, key.offset), key.offset).includes('{');
  let found: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as YamlToken;
    if (tok.offset >= key.offset) break;
    if (!isScalar(tok) || tok.text !== key.text) continue;
    const next = tokens.slice(i + 1).find((n) => n.type !== 'space');
    if (next?.type !== 'map-value-ind') continue;
    const sameLine = lineStart(source, tok.offset) === lineStart(source, key.offset);
    if (inFlow ? sameLine : tok.offset - lineStart(source, tok.offset) === col) found = tok.offset;
  }
  return found;
}

function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

function atLineStart(source: string, offset: number): boolean {
  return /^[ ]*$/.test(source.slice(lineStart(source, offset), offset));
}

function firstNonSpace(source: string, offset: number): number {
  let i = offset;
  while (source[i] === ' ') i++;
  return i < source.length && source[i] !== '\n' ? i : offset;
}

function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) line++;
  return line;
}
