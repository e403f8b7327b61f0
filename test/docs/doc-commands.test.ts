/**
 * Every `kfbot` command shown in README.md and docs/*.md runs as written (docs/development.md):
 * with `sh` in a scratch folder that sees the repository's files, `npx kfbot` being this
 * checkout's bin/kfbot.js. One-shot commands must exit 0 (and a `> file` redirection leave a
 * non-empty file); servers must come up and stop on SIGTERM. The few that cannot run here are
 * listed in SKIP with the reason, and a test fails if a SKIP entry no longer matches anything.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/store/redis-keys.ts';
import { migrateRedis } from '../../src/store/redis-migrations.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { KFBOT, ROOT } from '../cli/run-cli.ts';
import { commandsIn, type DocCommand, docCommands } from '../support/doc-commands.ts';

/** Commands that cannot run on a test machine, each with why. Keep it small. */
const SKIP: readonly { match: RegExp; why: string }[] = [
  {
    match: /\bkfbot doctor\b(?!.*--help)/,
    why: 'needs a real WeCom corp; doctor is tested against the simulator in test/cli/doctor*.test.ts',
  },
  { match: /redis:\/\/10\.0\.0\.5/, why: 'a replica set-up with its Redis at 10.0.0.5' },
  {
    match: /\bkfbot rules (export|import|rollback)\b/,
    why: 'publishes into KFBOT_RULES (here the repository rules/) or needs published versions; tested in test/cli/rules-command.test.ts',
  },
];

/** The Redis the docs' `--store redis://127.0.0.1:6379/0` reaches here (REWRITES). */
const DOC_REDIS = process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15';

/** Rewrites so a command reaches what this machine has, never changing what it does. */
const REWRITES: readonly [RegExp, string][] = [
  // Docs show the usual local Redis; tests use their own (KFBOT_TEST_REDIS).
  [/redis:\/\/127\.0\.0\.1:6379\/0/g, DOC_REDIS],
  [/\bnpx kfbot\b/g, `node ${KFBOT}`],
  [/^((?:[A-Z_][A-Z0-9_]*=\S*\s+)*)kfbot\b/, `$1node ${KFBOT}`],
  // package.json: "start": "exec node bin/kfbot.js serve"
  [/\bnpm start\b/g, `node ${KFBOT} serve`],
];

/** Commands that run until stopped: up when they print this. */
const SERVER = /(\bserve\b|wecom-simulator(?!.*--help))/;
const READY = /listening on|sandbox mode|kfbot listening/;

let scratch: string;
beforeAll(async () => {
  // As a replica's serve leaves it: reports only read a store, and refuse one never started.
  const redis = redisClient(DOC_REDIS);
  await redis.connect();
  await migrateRedis({ redis, keys: new RedisKeys() }, DOC_REDIS);
  await redis.quit();
  scratch = mkdtempSync(join(tmpdir(), 'kfbot-doc-commands-'));
  // Everything the docs may name (rules/, examples/, …), but a fresh data/ and no .env.
  for (const entry of readdirSync(ROOT)) {
    if (['data', '.env', '.git', 'node_modules', 'test-results'].includes(entry)) continue;
    symlinkSync(join(ROOT, entry), join(scratch, entry));
  }
  // The store a deployment's serve leaves at the default place (reports and forget only read or
  // change one; the sandbox keeps its own in memory).
  void new SqliteStore(join(scratch, 'data', 'kfbot.db')).close();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KFBOT_PORT: '0', NO_COLOR: '1' };
  for (const key of Object.keys(env))
    if (key.startsWith('WECOM_') || key.startsWith('KFBOT_')) delete env[key];
  env.KFBOT_PORT = '0'; // the sandbox's 8080 may be taken on a shared machine
  return env;
}

function run(
  command: string,
  server: boolean,
): Promise<{ code: number | null; output: string; ready: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd: scratch, env: shellEnv(), detached: true });
    let output = '';
    let ready = false;
    const onData = (d: Buffer) => {
      output += d;
      if (server && !ready && READY.test(output)) {
        ready = true;
        process.kill(-(child.pid as number), 'SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.stdin.end();
    child.on('error', reject);
    // A command that hangs is stopped, so the failure shows its output instead of a timeout.
    const limit = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, output, ready });
    });
  });
}

const all = docCommands(ROOT);
const skipped = (c: DocCommand) => SKIP.find((s) => s.match.test(c.command));

describe('the kfbot commands shown in README.md and docs/*.md', () => {
  it('finds the commands (the extraction works)', () => {
    expect(all.length).toBeGreaterThan(10);
    expect(all.map((c) => c.command)).toContain('npx kfbot validate');
  });

  it('reads shell blocks and $-prompted lines, drops comments, joins continuations, ignores the rest', () => {
    const md = [
      'Run `kfbot validate` inline (not a block).',
      '```sh',
      'npm install                # not kfbot',
      'npx kfbot validate rules   # check them',
      'KFBOT_STORE=sqlite:x.db kfbot report rules \\',
      '  --since 7d',
      '```',
      '```text',
      '$ npx kfbot chat',
      'kfbot › 您好',
      '```',
      '```yaml',
      'kfbot: not a command',
      '```',
    ].join('\n');
    expect(commandsIn('x.md', md)).toEqual([
      { where: 'x.md:4', command: 'npx kfbot validate rules' },
      { where: 'x.md:5', command: 'KFBOT_STORE=sqlite:x.db kfbot report rules --since 7d' },
      { where: 'x.md:9', command: 'npx kfbot chat' },
    ]);
  });

  it('lists no SKIP entry that matches nothing', () => {
    const unused = SKIP.filter((s) => !all.some((c) => s.match.test(c.command)));
    expect(unused.map((s) => String(s.match))).toEqual([]);
  });

  it('catches a command that stops working as written', async () => {
    const r = await run(`node ${KFBOT} validate rules/no-such-file.yaml`, false);
    expect(r.code).not.toBe(0);
  });

  // Marked, not silently dropped: each shows as skipped, with the reason in its name.
  it.skip.each(
    all.flatMap((c) => {
      const s = skipped(c);
      return s ? [[`${c.where}: ${c.command} — ${s.why}`]] : [];
    }),
  )('%s', () => {});

  it.each(all.filter((c) => !skipped(c)).map((c) => [`${c.where}: ${c.command}`, c] as const))(
    '%s',
    async (_name, doc) => {
      const command = REWRITES.reduce((c, [from, to]) => c.replace(from, to), doc.command);
      const server = SERVER.test(command);
      const r = await run(command, server);
      if (server) {
        expect(r.ready, `${doc.where} never came up:\n${r.output}`).toBe(true);
        return;
      }
      expect(r.code, `${doc.where} exited ${r.code}:\n${r.output}`).toBe(0);
      const redirect = /\s>\s*(\S+)\s*$/.exec(doc.command)?.[1];
      if (redirect) expect(statSync(join(scratch, redirect)).size).toBeGreaterThan(0);
    },
    30_000,
  );
});
