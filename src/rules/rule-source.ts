/**
 * Reads rule files (one YAML file, or every *.yaml / *.yml in a folder and its subfolders) into plain data, and
 * keeps where every node starts so any later problem can point at its file:line:column.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { RuleProblem, SourcePosition } from './problems.ts';
import { readYamlFile } from './read-yaml-file.ts';
import { fileProblem, listFolder } from './rule-files.ts';
import { unreadable } from './unreadable.ts';
import type { YamlPath } from './yaml-file.ts';

export type { YamlPath } from './yaml-file.ts';

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
    const yaml = readYamlFile(source);
    const pos = (offset: number): SourcePosition => {
      const { line, col } = yaml.linePos(offset);
      return { file: shownFile, line, col };
    };
    for (const issue of yaml.issues) {
      problems.push({ ...pos(issue.offset), severity: issue.severity, message: `YAML: ${issue.message}` });
    }
    if (!('data' in yaml)) continue;
    docs.push({
      file: shownFile,
      dir: dirname(file),
      data: yaml.data,
      at(path, opts = {}) {
        return pos(yaml.offsetOf(path, opts.key ?? false));
      },
    });
  }
  return { docs, problems, files };
}
