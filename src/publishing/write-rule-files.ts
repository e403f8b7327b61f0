/**
 * Writes a published rule set into the rules folder so that a crash at any moment leaves either
 * the old files or the new ones, never a mix: the whole change is first written as one journal
 * file (`.kfbot-publish.json`, atomically by rename), then each file is replaced by rename, then
 * the journal goes. A start that finds a journal finishes it (finishInterruptedWrite). Hidden
 * names are never read as rules, so neither the journal nor a temporary file is ever loaded.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { insideRules, type RulesFolder } from '../authoring/rules-folder.ts';

export const JOURNAL = '.kfbot-publish.json';

/** Relative path → new text, or null to delete. */
export type FileWrites = Record<string, string | null>;

interface Journal {
  version: number;
  writes: FileWrites;
}

function atomicWrite(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(tmp, text, { flush: true });
  renameSync(tmp, path);
}

function apply(folder: RulesFolder, writes: FileWrites): void {
  for (const [file, text] of Object.entries(writes)) {
    const path = insideRules(folder, file);
    if (text === null) rmSync(path, { force: true });
    else atomicWrite(path, text);
  }
}

/** Writes the files of `version` (journal first); returns the files written. */
export function writeRuleFiles(folder: RulesFolder, version: number, writes: FileWrites): string[] {
  const names = Object.keys(writes);
  if (names.length === 0) return [];
  for (const f of names) insideRules(folder, f); // every path is checked before anything is written
  const journal = join(folder.root, JOURNAL);
  atomicWrite(journal, JSON.stringify({ version, writes } satisfies Journal));
  apply(folder, writes);
  rmSync(journal, { force: true });
  return names;
}

/**
 * Finishes a write a crash interrupted; returns its version, or undefined when there was none.
 * A journal that cannot be read (cut short before its rename) never started a write: it goes.
 */
export function finishInterruptedWrite(folder: RulesFolder): number | undefined {
  const journal = join(folder.root, JOURNAL);
  if (!existsSync(journal)) return undefined;
  let parsed: Journal;
  try {
    parsed = JSON.parse(readFileSync(journal, 'utf8')) as Journal;
  } catch {
    rmSync(journal, { force: true });
    return undefined;
  }
  apply(folder, parsed.writes);
  rmSync(journal, { force: true });
  return parsed.version;
}

/** The writes that turn the folder's files (`disk`) into `files`: changed, new, and gone. */
export function writesToMatch(disk: ReadonlyMap<string, string>, files: Record<string, string>): FileWrites {
  const writes: FileWrites = {};
  for (const [f, text] of Object.entries(files)) if (disk.get(f) !== text) writes[f] = text;
  for (const f of disk.keys()) if (!(f in files)) writes[f] = null;
  return writes;
}
