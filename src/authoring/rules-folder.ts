/**
 * The rules folder as the editor sees it: every rule and test file by its path relative to the
 * folder, and the one check that a path named in an edit stays inside it (no `..`, no absolute
 * path, no symbolic link out, only *.yaml / *.yml).
 */
import { type Dirent, existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { compareNames } from '../rules/compare-names.ts';
import { AuthoringError } from './authoring-error.ts';
import type { RuleFiles } from './rule-edit.ts';

export interface RulesFolder {
  /** Absolute folder the files live in. */
  root: string;
  /** When KFBOT_RULES names one file: that file, the only one the editor touches. */
  single?: string;
}

const YAML_FILE = /\.ya?ml$/i;

export function rulesFolder(target: string, cwd: string): RulesFolder {
  const abs = resolve(cwd, target);
  let isDir = true;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    // a folder that does not exist yet: import creates it
  }
  return isDir ? { root: abs } : { root: dirname(abs), single: basename(abs) };
}

function list(dir: string, root: string, out: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => compareNames(a.name, b.name))) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) list(full, root, out);
    else if (YAML_FILE.test(e.name)) out.push(relative(root, full).split(sep).join('/'));
  }
}

/** Every rule and test file (tests/…) with its text, by relative path with `/`. */
export function readRuleFiles(folder: RulesFolder): RuleFiles {
  const names: string[] = [];
  if (folder.single) names.push(folder.single);
  else list(folder.root, folder.root, names);
  const files: RuleFiles = new Map();
  for (const name of names) files.set(name, readFileSync(join(folder.root, name), 'utf8'));
  return files;
}

/** The absolute path of `rel` inside the folder; an AuthoringError when it would leave it. */
export function insideRules(folder: RulesFolder, rel: string): string {
  const bad = (why: string) =>
    new AuthoringError('bad-path', `"${rel}" is not a rule file in the rules folder: ${why}`);
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0') || rel.includes('\\'))
    throw bad('give a path like faq.yaml or shop/faq.yaml');
  if (isAbsolute(rel)) throw bad('give a path relative to the rules folder');
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith('.')))
    throw bad('no "..", "." or hidden parts');
  if (!YAML_FILE.test(rel)) throw bad('rule files end in .yaml or .yml');
  if (folder.single && rel !== folder.single) throw bad(`the rules are the one file ${folder.single}`);
  const abs = join(folder.root, ...parts);
  // A symbolic link (the file or a folder on the way) may point out of the folder.
  let existing = abs;
  while (!existsSync(existing) && existing !== folder.root) existing = dirname(existing);
  if (existsSync(existing) && existsSync(folder.root)) {
    const real = realpathSync(existing);
    const realRoot = realpathSync(folder.root);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) throw bad('it leads out of the folder');
  }
  return abs;
}
