/**
 * Which files a rules target names: the file itself, or every *.yaml / *.yml in a folder and its
 * subfolders. Apart from the YAML reader (rule-source.ts) so that `kfbot serve` can look at the
 * files before its rules code is loaded (early-rules-child.ts).
 */
import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareNames } from './compare-names.ts';
import type { RuleProblem } from './problems.ts';
import { unreadable } from './unreadable.ts';

const YAML_FILE = /\.ya?ml$/i;
/** The folder of conversation tests inside a rules folder: never read as rules. */
export const TESTS_FOLDER = 'tests';

export function fileProblem(file: string, message: string): RuleProblem {
  return { file, line: 1, col: 1, severity: 'error', message };
}

/**
 * Every *.yaml / *.yml file under `dir` (subfolders included, hidden entries skipped), sorted by
 * path. A folder that cannot be listed is a problem, not an exception.
 */
export function listFolder(dir: string, shown: (p: string) => string, problems: RuleProblem[]): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    problems.push(fileProblem(shown(dir), `cannot list the rules folder: ${unreadable(dir, err)}`));
    return [];
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => compareNames(a.name, b.name))) {
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
