import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { storeContract } from './store-contract.ts';

storeContract(
  'SQLite',
  async () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'kfbot-store-')), 'nested', 'kfbot.db')),
  {
    reopen: async (s: Store) => {
      await s.close();
      return new SqliteStore((s as SqliteStore).path);
    },
  },
);

describe('SQLite pull-request log', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps pull requests until completed, with the newest token', async () => {
    await store.recordPullRequest('wkA', 'T1', 100);
    await store.recordPullRequest('wkA', 'T2', 200);
    await store.recordPullRequest('wkB', 'T3', 300);
    const a = await store.pullRequest('wkA');
    expect(a).toMatchObject({ openKfId: 'wkA', token: 'T2', tokenAt: 200 });
    expect((await store.pendingPulls()).map((p) => p.openKfId).sort()).toEqual(['wkA', 'wkB']);
    await store.completePull('wkA', a?.seq as number);
    expect((await store.pendingPulls()).map((p) => p.openKfId)).toEqual(['wkB']);
  });

  it('keeps a pull pending when a newer notice arrived while it ran', async () => {
    await store.recordPullRequest('wkA', 'T1', 100);
    const started = await store.pullRequest('wkA');
    await store.recordPullRequest('wkA', 'T2', 200);
    await store.completePull('wkA', started?.seq as number);
    expect((await store.pendingPulls()).map((p) => p.openKfId)).toEqual(['wkA']);
  });
});
