import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { storeContract } from './store-contract.ts';

storeContract(
  'SQLite',
  async () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'kfbot-store-')), 'nested', 'kfbot.db')),
  async (s: Store) => {
    await s.close();
    return new SqliteStore((s as SqliteStore).path);
  },
);
