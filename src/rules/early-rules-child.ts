/**
 * `kfbot serve`'s rules child (credentials or sandbox mode), started before the server's own code is loaded. Rules with typed
 * questions load in full in a child process at start (load-rules-at-start.ts): a second Node start
 * and a second read, which began only once this process had loaded its modules and parsed the YAML
 * itself, so the two Node starts ran one after the other. Started here, the child starts Node and
 * builds the FAQ while this process loads its modules and reads the rules (default rules, start →
 * /readyz: docs/performance.md).
 *
 * Whether the rules list typed questions is known only once they are parsed, by the code this is
 * meant to run beside; so the child starts when the files' text has a `faq:` or `questions:` key
 * anywhere. A guess, wrong in either direction at no cost to what is loaded: load-rules-at-start.ts
 * stops a child started for rules that turn out to list none, and starts one itself when none was.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { listFolder } from './rule-files.ts';
import { type RulesChild, startRulesChild } from './rules-child.ts';

/**
 * `faq:` or `questions:` as a key is written (block or flow, quoted or not), not the word in a
 * reply ("any questions?"); a key written otherwise (`? faq`, escapes) just starts no child here.
 */
const MENTIONS_QUESTIONS = /(?:^|[\s{,])["']?(?:faq|questions)["']?\s*:/m;

/** The rules child for `target`, started now, or undefined when the files do not mention typed questions. */
export function startEarlyRulesChild(target: string, cwd: string): RulesChild | undefined {
  try {
    const abs = resolve(cwd, target);
    const files = statSync(abs).isDirectory() ? listFolder(abs, (p) => p, []) : [abs];
    if (!files.some((file) => MENTIONS_QUESTIONS.test(readFileSync(file, 'utf8')))) return undefined;
  } catch {
    // Unreadable rules: the load itself says what is wrong.
    return undefined;
  }
  return startRulesChild({ target, cwd });
}

/**
 * `start`, given the rules child for `target` started first (startEarlyRulesChild), so that
 * loading `start`'s code overlaps the child's Node start; the child is stopped if `start` fails
 * (a configuration refused, a port taken) without having been handed to a rules load.
 */
export async function withEarlyRulesChild<T>(
  target: string,
  cwd: string,
  start: (child: RulesChild | undefined) => Promise<T>,
): Promise<T> {
  const child = startEarlyRulesChild(target, cwd);
  try {
    return await start(child);
  } catch (err) {
    child?.stop();
    throw err;
  }
}
