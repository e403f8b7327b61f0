/**
 * Published rules on replicas: three `kfbot serve` on one Redis, each with its own copy of the
 * rules folder. A publish (kfbot rules import, run against one replica's folder) reaches every
 * replica — /readyz shows the version, and customers get the new answer; the time it took is
 * printed, not asserted (a loaded machine is slower; docs/publishing.md has the measure) — and a fourth
 * replica started afterwards from the old files runs it too. A publish killed at any moment
 * leaves the store and the folder on the old version or the new one, never a mix.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRuleFiles, rulesFolder } from '../../src/authoring/rules-folder.ts';
import { JOURNAL } from '../../src/publishing/write-rule-files.ts';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { RedisStore, redisClient } from '../../src/store/redis-store.ts';
import { KFBOT, ROOT, runCli } from '../cli/run-cli.ts';
import { AES_KEY, type KfbotProcess, startKfbotProcess, storeDir, TOKEN, waitFor } from './kfbot-process.ts';

// A database of its own: the other end-to-end files flush theirs.
const REDIS = (process.env.KFBOT_TEST_REDIS_E2E ?? 'redis://127.0.0.1:6379/13').replace(/\/\d+$/, '/11');
const NEW_ANSWER = '礼品包装免费，下单时备注即可。';

let sim: WeComSimulator;
const replicas: KfbotProcess[] = [];
const folders: string[] = [];

function copyOfRules(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-replica-rules-'));
  cpSync(join(ROOT, 'rules'), dir, { recursive: true });
  return dir;
}

async function startReplica(): Promise<KfbotProcess> {
  const rules = copyOfRules();
  folders.push(rules);
  const r = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: storeDir(),
    rules,
    env: { KFBOT_STORE: REDIS, LOG_LEVEL: 'info' },
  });
  replicas.push(r);
  return r;
}

async function readyz(r: KfbotProcess): Promise<Record<string, unknown>> {
  const res = await request(`${r.url}/readyz`);
  return (await res.body.json()) as Record<string, unknown>;
}

/** A rules folder with one more FAQ item (what an operator would publish). */
function editedRules(answer: string): string {
  const dir = copyOfRules();
  const faq = join(dir, 'faq.yaml');
  writeFileSync(
    faq,
    `${readFileSync(faq, 'utf8')}  - id: gift_wrap\n    questions: [有礼品包装吗, 能包装成礼物吗, 可以送礼盒吗]\n    reply: ${answer}\n`,
  );
  return dir;
}

beforeAll(async () => {
  const admin = redisClient(REDIS);
  await admin.connect();
  await admin.flushdb();
  await admin.quit();
  sim = await startSimulator({ accounts: [{ name: '售前' }] });
  for (let i = 0; i < 3; i++) await startReplica();
  sim.callbacks.configure({ url: `${replicas[0]?.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
}, 60_000);

afterAll(async () => {
  for (const r of replicas) await r.stop('SIGKILL');
  await sim?.close();
});

describe('published rules on three replicas', () => {
  it('reach every replica, and a replica started later', async () => {
    for (const r of replicas) expect(await readyz(r)).toMatchObject({ rulesPublished: 1 });
    const started = Date.now();
    const out = await runCli(
      ['rules', 'import', editedRules(NEW_ANSWER), '--message', '礼品包装', '--by', '运营'],
      {
        env: { KFBOT_STORE: REDIS, KFBOT_RULES: folders[0] as string },
      },
    );
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(
      /^published version 2 \(1 file\(s\): faq\.yaml; \d+ conversation test\(s\) passed\)/,
    );
    await waitFor(
      async () => (await Promise.all(replicas.map(readyz))).every((d) => d.rulesPublished === 2),
      'every replica on version 2',
      30_000,
    );
    const took = Date.now() - started;
    console.log(`publish → all three replicas on the new version: ${took} ms (including the CLI's start)`);
    for (const f of folders) expect(readFileSync(join(f, 'faq.yaml'), 'utf8')).toContain(NEW_ANSWER);

    // Customers get the new answer, whichever replica takes the callback.
    for (const [i, r] of replicas.entries()) {
      sim.callbacks.configure({ url: `${r.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
      const who = `wmGift${i}`;
      const openKfId = sim.accounts[0]?.openKfId as string;
      sim.customerSays({ openKfId, externalUserId: who, text: '有礼品包装吗' });
      await waitFor(() => sim.sent(openKfId, who).length > 0, `an answer for ${who}`, 10_000);
      expect(JSON.stringify(sim.sent(openKfId, who)[0]?.content)).toContain(NEW_ANSWER);
    }

    const late = await startReplica(); // from the old files
    expect(await readyz(late)).toMatchObject({ rulesPublished: 2 });
    expect(readFileSync(join(folders[3] as string, 'faq.yaml'), 'utf8')).toContain(NEW_ANSWER);
  }, 120_000);

  it('a publish killed at any moment leaves no half-written rule set', async () => {
    const redis = redisClient(REDIS);
    await redis.connect();
    const store = new RedisStore(redis);
    const folder = rulesFolder(folders[0] as string, ROOT);
    // How long a whole import takes here, then kills spread over that time.
    const t0 = Date.now();
    const full = await runCli(['rules', 'import', editedRules('礼品包装完整版。')], {
      env: { KFBOT_STORE: REDIS, KFBOT_RULES: folder.root },
    });
    expect(full.code).toBe(0);
    const importMs = Date.now() - t0;
    const outcomes: string[] = [];
    for (const delay of [0.3, 0.6, 0.8, 0.9, 0.95, 1, 1.05].map((f) => Math.round(f * importMs))) {
      const before = await store.ruleVersions.latestRuleVersion();
      const answer = `礼品包装第 ${delay} 版。`;
      const child = spawn(process.execPath, [KFBOT, 'rules', 'import', editedRules(answer)], {
        cwd: ROOT,
        env: { ...process.env, KFBOT_STORE: REDIS, KFBOT_RULES: folder.root },
        stdio: 'ignore',
      });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      const latest = await store.ruleVersions.latestRuleVersion();
      expect([before, before + 1]).toContain(latest);
      outcomes.push(
        `${delay} ms: ${latest > before ? 'published' : 'nothing'}${existsSync(join(folder.root, JOURNAL)) ? ' (journal left)' : ''}`,
      );
      const published = await store.ruleVersions.ruleVersion(latest);
      expect(published?.files?.['faq.yaml']).toBeDefined();
      // The folder holds the old version or the new one; a journal (a write cut short) is
      // finished by the next start, which the replicas' sync does too.
      if (!existsSync(join(folder.root, JOURNAL))) {
        const disk = Object.fromEntries(readRuleFiles(folder));
        const old = await store.ruleVersions.ruleVersion(before);
        expect([JSON.stringify(old?.files), JSON.stringify(published?.files)]).toContain(
          JSON.stringify(disk),
        );
      }
    }
    console.log(`imports killed after ${outcomes.join(', ')}`);
    // Whatever was published last, every replica ends on it.
    const latest = await store.ruleVersions.latestRuleVersion();
    await waitFor(
      async () => (await Promise.all(replicas.map(readyz))).every((d) => d.rulesPublished === latest),
      `every replica on version ${latest}`,
      30_000,
    );
    await store.close();
  }, 120_000);
});
