/**
 * Keeps this replica's rules folder on the published version.
 *
 * - Always: a publish a crash interrupted is finished first (write-rule-files.ts journal).
 * - With a shared store (Redis, several replicas): the store is the truth. At start the replica
 *   writes the latest published version into its folder (the first replica ever seeds the store
 *   with its own files as version 1), then polls the latest number every second and writes and
 *   reloads each new version — so every replica answers with a publish within a couple of
 *   seconds, and one started later starts with it. A folder holding files the store never saw is
 *   not replaced (see #knownToStore).
 * - With SQLite (one machine): the files are the truth; the store keeps the history. Only a
 *   version published after the start (e.g. `kfbot rules import` run beside serve) is written.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type RulesFolder, readRuleFiles } from '../authoring/rules-folder.ts';
import { finishInterruptedWrite, writeRuleFiles, writesToMatch } from '../publishing/write-rule-files.ts';
import type { RuleVersionLog } from '../store/rule-version-log.ts';
import type { LiveRules } from './live-rules.ts';

/** How many recent versions a starting replica compares its files with. */
const RECENT = 50;

export interface RulesSyncOptions {
  folder: RulesFolder;
  versions: RuleVersionLog;
  rules: LiveRules;
  log: Logger;
  /** The store is shared by replicas: adopt what is published there. */
  adopt: boolean;
  intervalMs?: number;
}

export class RulesSync {
  #applied = 0;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #following = false;
  /** Set while reading the store fails: one warning per outage, not one a second. */
  #failing = false;

  constructor(private readonly opts: RulesSyncOptions) {}

  /** The latest published version this replica has written to its folder (0: none published). */
  get version(): number {
    return this.#applied;
  }

  async start(): Promise<void> {
    const { folder, versions, log, rules } = this.opts;
    const finished = finishInterruptedWrite(folder);
    if (finished !== undefined) {
      log.warn(
        { version: finished },
        `finished writing rules version ${finished}, which a stop had interrupted`,
      );
      await rules.reload();
    }
    const latest = await versions.latestRuleVersion();
    if (!this.opts.adopt) {
      // The files are the truth here: a version published later (by `kfbot rules import` in
      // another process) is still written, but what is on disk now is never replaced at start.
      this.#applied = latest;
      this.#following = true;
    } else if (latest === 0) {
      const seeded = await versions.publishRuleVersion(0, {
        at: Date.now(),
        by: `replica ${hostname()}`,
        message: 'the rules the first replica started with',
        changed: 0,
        diff: '',
        files: Object.fromEntries(readRuleFiles(folder)),
      });
      this.#following = true;
      if (seeded !== undefined) this.#applied = seeded;
    } else {
      this.#following = await this.#knownToStore(latest);
      if (!this.#following)
        log.error(
          `the rules in ${folder.root} are none of the published versions (1-${latest}): serving them as they are, not replacing them; publish them with kfbot rules import, or replace them with kfbot rules export`,
        );
    }
    await this.poll();
    this.#timer = setInterval(() => void this.poll(), this.opts.intervalMs ?? 1000);
    this.#timer.unref();
  }

  /**
   * Whether the folder holds a version the store knows (the seed, or one of the recent ones): only
   * then may the store's versions replace its files. A folder with other files — another rule set
   * pointed at the same Redis by mistake, or files deployed without publishing — is never overwritten.
   */
  async #knownToStore(latest: number): Promise<boolean> {
    const disk = readRuleFiles(this.opts.folder);
    const numbers = new Set([1]);
    for (let v = latest; v >= 1 && v > latest - RECENT; v--) numbers.add(v);
    for (const n of numbers) {
      const v = await this.opts.versions.ruleVersion(n);
      if (v?.files && Object.keys(writesToMatch(disk, v.files)).length === 0) return true;
    }
    return false;
  }

  /** Whether this replica writes published versions into its folder (false: its files diverge). */
  get following(): boolean {
    return this.#following;
  }

  /** Adopts a newer published version, if there is one (one poll at a time). */
  poll(): Promise<void> {
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #poll(): Promise<void> {
    const { versions, folder, rules, log } = this.opts;
    try {
      const latest = await versions.latestRuleVersion();
      if (this.#failing) log.info('reading the published rules from the store works again');
      this.#failing = false;
      if (!this.#following || latest <= this.#applied) return;
      const v = await versions.ruleVersion(latest);
      // The latest version always keeps its files; a record without them is not one to adopt.
      if (!v?.files) return;
      const writes = writesToMatch(readRuleFiles(folder), v.files);
      if (Object.keys(writes).length > 0) {
        writeRuleFiles(folder, latest, writes);
        // The reload runs in a loader process (live-rules.ts): the version counts as applied, and
        // /readyz says so, only once the replica answers with it.
        await rules.reload();
      }
      this.#applied = latest;
      log.info(
        { version: latest, by: v.by, files: Object.keys(writes) },
        `running published rules version ${latest}`,
      );
    } catch (err) {
      if (!this.#failing)
        log.warn({ err }, 'could not read the published rules from the store; trying again every second');
      this.#failing = true;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
