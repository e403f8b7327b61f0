/**
 * The sandbox started again on the store it kept (issue #25): the same two accounts, not two more
 * each time; the cursors the store kept, which the new simulator never issued, are refused as
 * WeCom would refuse them, and kfbot says so once and answers the next customer anyway.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(store: string, lines: string[]): Promise<Sandbox> {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  sandbox = await startSandbox({
    env: { KFBOT_PORT: '0', KFBOT_HOST: '127.0.0.1', KFBOT_RULES: 'test/e2e/rules' },
    flags: { store },
    cwd: process.cwd(),
    logger: pino({ level: 'info' }, sink),
    watchRules: false,
  });
  return sandbox;
}

async function answered(s: Sandbox, text: string): Promise<string[]> {
  const customer = s.sim.customerSays({ text }).external_userid as string;
  const deadline = Date.now() + 15_000;
  while (s.sim.sent(s.sim.openKfId, customer).length === 0) {
    if (Date.now() > deadline) throw new Error(`no answer to ${text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await s.app.work.idle();
  return s.sim.sent(s.sim.openKfId, customer).map((m) => (m.content.text as { content: string }).content);
}

describe('the sandbox started again on the store it kept', () => {
  it('keeps its two accounts, answers the next customer, and says once why it read the account again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kfbot-sandbox-restart-')), 'kfbot.db');
    const firstLines: string[] = [];
    const first = await start(`sqlite:${file}`, firstLines);
    const accounts = first.sim.accounts.map((a) => a.openKfId);
    expect(await answered(first, 'echo 第一次')).toEqual(['收到：echo 第一次']);
    await first.close();
    sandbox = undefined;

    const lines: string[] = [];
    const again = await start(`sqlite:${file}`, lines);
    expect(again.sim.accounts.map((a) => a.openKfId)).toEqual(accounts);
    expect(await answered(again, 'echo 第二次')).toEqual(['收到：echo 第二次']);
    expect(lines.filter((l) => l.includes('sync_msg refused the stored cursor'))).toHaveLength(1);
    expect(firstLines.filter((l) => l.includes('sync_msg refused the stored cursor'))).toHaveLength(0);
    await again.close();
    sandbox = undefined;

    // Every account the store knows is one of the sandbox's two.
    const db = new Database(file, { readonly: true });
    try {
      const known = db
        .prepare('SELECT open_kfid FROM cursors UNION SELECT open_kfid FROM conversations')
        .pluck()
        .all() as string[];
      expect(known.length).toBeGreaterThan(0);
      for (const id of known) expect(accounts).toContain(id);
    } finally {
      db.close();
    }
  });
});
