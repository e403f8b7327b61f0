/**
 * A store written by a newer kfbot than this one. Refused at start, before anything is read or
 * written: a downgraded kfbot would misread what it does not know, or damage it.
 */
export class NewerStoreError extends Error {
  override readonly name = 'NewerStoreError';
  readonly code = 'NEWER_STORE';
  constructor(
    readonly store: string,
    readonly version: number,
    readonly known: number,
  ) {
    super(
      `${store} has schema version ${version}, but this kfbot knows versions up to ${known}: a newer kfbot ` +
        'has used it. Run that newer kfbot (or a newer one), or point KFBOT_STORE at another store; nothing was changed.',
    );
  }
}

/** One step of a store's schema, applied in order of `version` (one ordered list per backend). */
export interface Migration<Target> {
  /** The schema version after this step; 1, 2, 3, … with no gaps. */
  readonly version: number;
  /** What the step does, for the log line that reports it. */
  readonly name: string;
  readonly up: (target: Target) => void | Promise<void>;
}

/** Checks that a list of migrations is numbered 1, 2, 3, …; returns the latest version. */
export function latestVersion<T>(migrations: readonly Migration<T>[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration "${m.name}" is numbered ${m.version}, expected ${i + 1}`);
  });
  return migrations.length;
}
