/**
 * The messages kfbot itself writes on a published version (the operator writes the others), and
 * how the console shows them: in Chinese with the stored English beside it. The store keeps the
 * English, as `kfbot rules versions` prints it; versions stored before this file read the same.
 */

export const SEED_MESSAGE = 'the rules as found on disk before the first publish';
/** Who the seed version is recorded as: kfbot itself, not a person. */
export const SEED_PUBLISHER = 'kfbot';

export const rollbackMessage = (version: number): string => `rollback to version ${version}`;

/** `kfbot rules import DIR`'s default message. */
export const importMessage = (dir: string): string => `import from ${dir}`;

/** A console publish whose operator wrote no message. */
export const consoleEditsMessage = (edits: number): string => `${edits} edit(s) from the console`;

/** A version's message for the console: kfbot's own in Chinese and English, an operator's as written. */
export function versionMessageZh(message: string): string {
  if (message === SEED_MESSAGE) return `首次发布前磁盘上原有的规则 · ${message}`;
  const rollback = /^rollback to version (\d+)$/.exec(message);
  if (rollback) return `回滚到版本 ${rollback[1]} · ${message}`;
  const edits = /^(\d+) edit\(s\) from the console$/.exec(message);
  if (edits) return `控制台的 ${edits[1]} 处修改 · ${message}`;
  const imported = /^import from (.+)$/.exec(message);
  if (imported) return `从 ${imported[1]} 导入 · ${message}`;
  return message;
}

/**
 * A version's publisher for the console when kfbot recorded it itself (the seed: no person
 * published it, so a bare "kfbot" read like someone's name); undefined for a person's publish.
 */
export function kfbotPublisherZh(
  by: string,
  message: string,
): { name: string; session: null; why: string } | undefined {
  if (by !== SEED_PUBLISHER || message !== SEED_MESSAGE) return undefined;
  return {
    name: 'kfbot（系统自动保存，不是人发布的）',
    session: null,
    why: '不是人发布的：第一次发布前，kfbot 把当时磁盘上的规则文件自动存为版本 1，以便随时回滚到控制台修改之前 · kfbot itself: before the first publish it kept the files found on disk as version 1, so a rollback can return to them',
  };
}
