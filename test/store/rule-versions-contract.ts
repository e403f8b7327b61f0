/** The published rule versions, as every Store must keep them (part of store-contract.ts). */
import { describe, expect, it } from 'vitest';
import { type NewRuleVersion, RULE_VERSIONS_KEPT_WHOLE } from '../../src/store/rule-version-log.ts';
import type { Store } from '../../src/store/store.ts';

const version = (n: number, extra: Partial<NewRuleVersion> = {}): NewRuleVersion => ({
  at: 1000 + n,
  by: 'ops',
  message: `v${n}`,
  changed: 1,
  diff: `--- a/faq.yaml\n+++ b/faq.yaml\n@@ -1,1 +1,1 @@\n-x\n+${n}\n`,
  files: { 'faq.yaml': `faq: [] # ${n}\n`, 'tests/t.yaml': 'tests: []\n' },
  ...extra,
});

export function ruleVersionsContract(store: () => Store, reopen?: (s: Store) => Promise<Store>): void {
  describe('published rule versions', () => {
    it('start at 0 and number each publish, keeping who, when, message, diff and files', async () => {
      const log = store().ruleVersions;
      expect(await log.latestRuleVersion()).toBe(0);
      expect(await log.listRuleVersions(10)).toEqual([]);
      expect(await log.publishRuleVersion(0, version(1))).toBe(1);
      expect(await log.publishRuleVersion(1, version(2, { by: '张三', message: '加了相似问法' }))).toBe(2);
      expect(await log.latestRuleVersion()).toBe(2);
      expect(await log.ruleVersion(2)).toEqual({
        version: 2,
        ...version(2, { by: '张三', message: '加了相似问法' }),
      });
      expect(await log.ruleVersion(3)).toBeUndefined();
      expect((await log.listRuleVersions(10)).map((v) => [v.version, v.by, v.message])).toEqual([
        [2, '张三', '加了相似问法'],
        [1, 'ops', 'v1'],
      ]);
      expect(await log.listRuleVersions(1)).toHaveLength(1);
    });

    it('refuses a publish begun from an older version, writing nothing', async () => {
      const log = store().ruleVersions;
      await log.publishRuleVersion(0, version(1));
      expect(await log.publishRuleVersion(0, version(9))).toBeUndefined();
      expect(await log.latestRuleVersion()).toBe(1);
      expect((await log.ruleVersion(1))?.message).toBe('v1');
    });

    it('lets exactly one of two publishes from the same version land', async () => {
      const log = store().ruleVersions;
      const got = await Promise.all([
        log.publishRuleVersion(0, version(1)),
        log.publishRuleVersion(0, version(2)),
      ]);
      expect(got.filter((g) => g === 1)).toHaveLength(1);
      expect(got.filter((g) => g === undefined)).toHaveLength(1);
    });

    it(`keeps the files of version 1 and the newest ${RULE_VERSIONS_KEPT_WHOLE}, and only the history and diff of older ones`, async () => {
      const log = store().ruleVersions;
      const last = RULE_VERSIONS_KEPT_WHOLE + 3;
      for (let n = 1; n <= last; n++) expect(await log.publishRuleVersion(n - 1, version(n))).toBe(n);
      const whole = (n: number) => log.ruleVersion(n).then((v) => v?.files?.['faq.yaml']);
      expect(await whole(1)).toBe('faq: [] # 1\n');
      for (const n of [2, 3]) {
        const old = await log.ruleVersion(n);
        expect(old?.files).toBeNull();
        expect(old).toMatchObject({ version: n, by: 'ops', message: `v${n}`, diff: version(n).diff });
      }
      expect(await whole(4)).toBe('faq: [] # 4\n');
      expect(await whole(last)).toBe(`faq: [] # ${last}\n`);
      expect(await log.listRuleVersions(last)).toHaveLength(last);
    });

    if (reopen) {
      it('keeps the versions across a reopen', async () => {
        await store().ruleVersions.publishRuleVersion(0, version(1));
        const again = await reopen(store());
        expect((await again.ruleVersions.ruleVersion(1))?.files?.['faq.yaml']).toBe('faq: [] # 1\n');
        await again.close();
      });
    }
  });
}
