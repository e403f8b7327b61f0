/**
 * Reads YAML with the `yaml` package: every YAML error and warning with its place, and the
 * syntax tree for positions. It is the reference for what a rule file means, and slow (about a
 * third of a second for 1,000 rules), so it is loaded only for the files the fast reader of
 * plain-yaml.ts leaves to it.
 */
import { createRequire } from 'node:module';
import type { Node } from 'yaml';
import type { YamlFile, YamlIssue, YamlPath } from './yaml-file.ts';
import { explainYamlErrors, type YamlToken } from './yaml-mistakes.ts';

type YamlPackage = typeof import('yaml');

let loaded: YamlPackage | undefined;

/** `yaml` is CommonJS, so it can be loaded on first use without making rule reading async. */
function yamlPackage(): YamlPackage {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlPackage;
  return loaded;
}

export function readFullYaml(source: string): YamlFile {
  const { LineCounter, parseDocument } = yamlPackage();
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstLine = (message: string) => message.split('\n')[0] as string;
  const issues: YamlIssue[] = [
    ...explainYamlErrors(
      source,
      doc.errors.map((err) => ({ code: err.code, offset: err.pos[0], message: firstLine(err.message) })),
      () => lex(source),
    ),
    ...doc.warnings.map((err) => ({
      offset: err.pos[0],
      severity: 'warning' as const,
      message: firstLine(err.message),
    })),
  ];
  const file: YamlFile = {
    issues,
    offsetOf: (path, key) => offsetOf(doc.contents, path, key),
    linePos: (offset) => lineCounter.linePos(offset),
  };
  if (doc.errors.length > 0) return file;
  try {
    // Aliases are resolved here; an alias to no anchor, or an alias bomb, only shows up now.
    file.data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    issues.push({ offset: 0, severity: 'error', message: (err as Error).message.split('\n')[0] as string });
  }
  return file;
}

/** The source's tokens with their offsets (the lexer's zero-width markers take no room). */
function lex(source: string): YamlToken[] {
  const { CST, Lexer } = yamlPackage();
  const tokens: YamlToken[] = [];
  let offset = 0;
  for (const text of new Lexer().lex(source)) {
    const type = CST.tokenType(text) ?? undefined;
    if (type === 'doc-mode' || type === 'flow-error-end' || type === 'scalar') continue;
    tokens.push({ offset, type, text });
    offset += text.length;
  }
  return tokens;
}

/** The offset of the deepest node along `path` that exists (so a missing key points at its parent). */
function offsetOf(root: unknown, path: YamlPath, key: boolean): number {
  const { isMap, isSeq } = yamlPackage();
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as { value?: unknown } | null;
        return k !== null && typeof k === 'object' && String(k.value) === String(step);
      });
      if (!pair) return offset;
      const keyNode = pair.key as Node;
      if (last && key) return keyNode.range?.[0] ?? offset;
      node = pair.value as Node | null;
      offset = node?.range?.[0] ?? keyNode.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step] as Node | undefined;
      if (!item) return offset;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}
