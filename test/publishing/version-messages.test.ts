/**
 * The 说明 the console's versions table shows: kfbot's own messages in Chinese with the stored
 * English beside them (what `kfbot rules versions` prints), an operator's message as typed.
 */
import { describe, expect, it } from 'vitest';
import {
  consoleEditsMessage,
  importMessage,
  kfbotPublisherZh,
  rollbackMessage,
  SEED_MESSAGE,
  SEED_PUBLISHER,
  versionMessageZh,
} from '../../src/publishing/version-messages.ts';

describe('a version message on the console', () => {
  it('gives kfbot’s own messages in Chinese, the English beside them', () => {
    expect(versionMessageZh(rollbackMessage(12))).toBe('回滚到版本 12 · rollback to version 12');
    expect(versionMessageZh(SEED_MESSAGE)).toBe(
      '首次发布前磁盘上原有的规则 · the rules as found on disk before the first publish',
    );
    expect(versionMessageZh(consoleEditsMessage(3))).toBe('控制台的 3 处修改 · 3 edit(s) from the console');
    expect(versionMessageZh(importMessage('./rules-new'))).toBe(
      '从 ./rules-new 导入 · import from ./rules-new',
    );
  });

  it('shows an operator’s message as typed, even one that looks like kfbot’s', () => {
    expect(versionMessageZh('国外配送的问法')).toBe('国外配送的问法');
    expect(versionMessageZh('rollback to version one')).toBe('rollback to version one');
  });

  it('says the seed version was recorded by kfbot itself, not by a person', () => {
    expect(kfbotPublisherZh(SEED_PUBLISHER, SEED_MESSAGE)).toEqual({
      name: 'kfbot（系统自动保存，不是人发布的）',
      session: null,
      why: expect.stringMatching(/^不是人发布的：第一次发布前，kfbot 把当时磁盘上的规则文件自动存为版本 1/),
    });
    // Someone who published as "kfbot" (kfbot rules import --by kfbot) is shown as they wrote it.
    expect(kfbotPublisherZh(SEED_PUBLISHER, importMessage('./rules-new'))).toBeUndefined();
  });
});
