/**
 * Reads rule files (one YAML file, or every *.yaml / *.yml in a folder and its subfolders) into plain data, and
 * keeps the YAML syntax tree so any later problem can point at its file:line:column.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { RuleProblem, SourcePosition } from './problems.ts';
import { unreadable } from './unreadable.ts';

export type YamlPath = readonly (string | number)[];

export interface RuleDocument {
  /** The path as shown to people (relative to the working directory when possible). */
  file: string;
  /** Absolute folder of the file: relative media paths resolve against it. */
  dir: string;
  data: unknown;
  /** Where the value at `path` starts; `key: true` points at the key of the last step instead. */
  at(path: YamlPath, opts?: { key?: boolean }): SourcePosition;
}

export interface RuleSources {
  docs: RuleDocument[];
  problems: RuleProblem[];
  /** Every file read, for hot reload to watch. */
  files: string[];
}

const YAML_FILE = /\.ya?ml$/i;
/** The folder of conversation tests inside a rules folder: never read as rules. */
export const TESTS_FOLDER = 'tests';

/**
 * Every *.yaml / *.yml file under `dir` (subfolders included, hidden entries skipped), sorted by
 * path. A folder that cannot be listed is a problem, not an exception.
 */
function listFolder(dir: string, shown: (p: string) => string, problems: RuleProblem[]): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    problems.push(fileProblem(shown(dir), `cannot list the rules folder: ${unreadable(dir, err)}`));
    return [];
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    // tests/ beside the rules holds conversation tests (kfbot test), not rules.
    if (entry.isDirectory() && entry.name === TESTS_FOLDER) continue;
    if (entry.isDirectory()) out.push(...listFolder(full, shown, problems));
    // A symbolic link is listed by its name: reading it says what is wrong if it points nowhere.
    else if (YAML_FILE.test(entry.name)) out.push(full);
  }
  return out;
}

function fileProblem(file: string, message: string): RuleProblem {
  return { file, line: 1, col: 1, severity: 'error', message };
}

function display(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/**
 * Reads the rules at `target` (a file or a folder). Nothing here throws: a missing path, an
 * unreadable file and a YAML syntax error are all problems with the place to look.
 */
export function readRuleSources(target: string, cwd: string = process.cwd()): RuleSources {
  const absTarget = resolve(cwd, target);
  const shown = (p: string) => display(p, cwd);
  const problems: RuleProblem[] = [];
  let files: string[];
  try {
    files = statSync(absTarget).isDirectory() ? listFolder(absTarget, shown, problems) : [absTarget];
  } catch (err) {
    return {
      docs: [],
      files: [],
      problems: [
        fileProblem(
          target,
          `cannot read rules at "${target}": ${unreadable(absTarget, err)} (set KFBOT_RULES or pass a path)`,
        ),
      ],
    };
  }
  if (files.length === 0 && problems.length === 0) {
    problems.push(fileProblem(target, `no rule files (*.yaml or *.yml) in "${target}"`));
  }
  const docs: RuleDocument[] = [];
  for (const file of files) {
    const shownFile = shown(file);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(fileProblem(shownFile, `cannot read this rule file: ${unreadable(file, err)}`));
      continue;
    }
    const lineCounter = new LineCounter();
    const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const pos = (offset: number): SourcePosition => {
      const { line, col } = lineCounter.linePos(offset);
      return { file: shownFile, line, col };
    };
    for (const err of [...doc.errors, ...doc.warnings]) {
      problems.push({
        ...pos(err.pos[0]),
        severity: doc.errors.includes(err as never) ? 'error' : 'warning',
        message: `YAML: ${err.message.split('\n')[0]}`,
      });
    }
    if (doc.errors.length > 0) continue;
    let data: unknown;
    try {
      // Aliases are resolved here; an alias to no anchor, or an alias bomb, only shows up now.
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      problems.push({
        ...pos(0),
        severity: 'error',
        message: `YAML: ${(err as Error).message.split('\n')[0]}`,
      });
      continue;
    }
    docs.push({
      file: shownFile,
      dir: dirname(file),
      data,
      at(path, opts = {}) {
        return pos(offsetOf(doc.contents, path, opts.key ?? false));
      },
    });
  }
  return { docs, problems, files };
}

/** The offset of the deepest node along `path` that exists (so a missing key points at its parent). */
function offsetOf(root: unknown, path: YamlPath, key: boolean): number {
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
