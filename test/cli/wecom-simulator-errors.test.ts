/**
 * `kfbot wecom-simulator` as a new user meets it: whatever is wrong at start is one line (no
 * stack trace), it refuses the credentials serve would refuse, and a callback that fails is said.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { KFBOT, runCli } from './run-cli.ts';

async function busyPort(): Promise<{ port: number; close: () => void }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

describe('kfbot wecom-simulator start-up mistakes', () => {
  it('a busy port or an unknown host is one line and exit 1', async () => {
    const busy = await busyPort();
    try {
      const r = await runCli(['wecom-simulator', '--port', String(busy.port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `kfbot wecom-simulator: cannot start: port ${busy.port} is in use; set --port (0 picks a free one)\n`,
      );
    } finally {
      busy.close();
    }
    const host = await runCli(['wecom-simulator', '--port', '0', '--host', '999.9.9.9']);
    expect(host.code).toBe(1);
    expect(host.stderr).toMatch(
      /^kfbot wecom-simulator: cannot start: --host "999\.9\.9\.9" is not a known host name;[^\n]*\n$/,
    );
  }, 30_000);

  it('refuses what serve refuses: a short EncodingAESKey, a CorpID too short, a callback URL that is not one', async () => {
    const key = await runCli([
      'wecom-simulator',
      '--aes-key',
      'short',
      '--callback-url',
      'http://127.0.0.1:9/cb',
    ]);
    expect(key.code).toBe(2);
    expect(key.stderr).toContain('--aes-key must be the 43-character EncodingAESKey (got 5 characters)');
    const corp = await runCli(['wecom-simulator', '--corp-id', 'ww1']);
    expect(corp.code).toBe(2);
    expect(corp.stderr).toContain('--corp-id "ww1" does not look like a CorpID');
    const url = await runCli(['wecom-simulator', '--callback-url', 'notaurl']);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('--callback-url "notaurl" is not an http(s) URL');
    for (const r of [key, corp, url]) expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 30_000);
});

describe('kfbot wecom-simulator console', () => {
  it('says when a callback failed, words session changes, and explains a take too early', async () => {
    const nobody = await busyPort();
    nobody.close(); // a port nothing listens on
    const child = spawn(
      process.execPath,
      [KFBOT, 'wecom-simulator', '--port', '0', '--callback-url', `http://127.0.0.1:${nobody.port}/callback`],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    const waitFor = async (what: string) => {
      const deadline = Date.now() + 20_000;
      while (!out.includes(what)) {
        if (Date.now() > deadline) throw new Error(`no "${what}" in: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor('type "help"');
      child.stdin.write('say hi\n');
      await waitFor('✗ the callback to');
      expect(out).toMatch(
        /✗ the callback to http:\/\/127\.0\.0\.1:\d+\/callback failed 4 times \([^)]*ECONNREFUSED[^)]*\); is the client listening there\?/,
      );
      child.stdin.write('take\n');
      await waitFor('nobody is waiting for a human');
      child.stdin.write('end\n');
      await waitFor('ends the session');
      expect(out).toMatch(/session_status_change: zhangsan takes the session \(接入会话\)/);
      expect(out).toMatch(/session_status_change: zhangsan ends the session \(结束会话\)/);
    } finally {
      child.kill('SIGTERM');
    }
  }, 40_000);
});
