/**
 * `kfbot chat` and `kfbot serve --sandbox` started with a mistake: one line that says what is
 * wrong, under the name the user typed, and never a server that answers nothing.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const noStack = (stderr: string) => expect(stderr).not.toMatch(/^\s+at |"stack"/m);

describe('kfbot chat start-up mistakes', () => {
  it('a busy port, a log level that is not one, a port out of range: one line each', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      const busy = await runCli(['chat', '--port', String(port)], { input: '/quit\n' });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe(`kfbot chat: cannot start: port ${port} is in use; set --port\n`);
    } finally {
      server.close();
    }
    const loud = await runCli(['chat', '--log-level', 'loud'], { input: '/quit\n' });
    expect(loud.code).toBe(2);
    expect(loud.stderr).toContain(
      '--log-level "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    );
    const far = await runCli(['chat', '--port', '99999'], { input: '/quit\n' });
    expect(far.code).toBe(1);
    expect(far.stderr).toBe('kfbot chat: --port "99999" is not a port number (0-65535)\n');
    for (const r of [loud, far]) noStack(r.stderr);
  }, 60_000);

  it('refuses a --latency every API call would time out on, with the limit', async () => {
    const chat = await runCli(['chat', '--latency', '15000'], { input: '/quit\n' });
    expect(chat.code).toBe(1);
    expect(chat.stderr).toBe(
      'kfbot chat: --latency 15000 is too long: with its jitter (± a fifth) an API call would reach KFBOT_API_TIMEOUT (10 s) and nothing would be answered; use at most 6666 ms (WeCom from mainland China: about 50)\n',
    );
    const serve = await runCli(['serve', '--sandbox', '--port', '0', '--latency', '1e9']);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain('--latency 1000000000 is too long');
    noStack(serve.stderr);
    const ok = await runCli(['chat', '--latency', '6666'], { input: '/quit\n' });
    expect(ok.code).toBe(0);
  }, 60_000);

  it('refuses rules with an FAQ and mistakes in the sandbox: every problem, then where to check them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-bad-faq-'));
    writeFileSync(
      join(dir, 'rules.yaml'),
      'faq:\n  - { id: a, questions: [退款多久], reply: 三天 }\n  - { id: a, questions: [退货], reply: 七天 }\nrules:\n  - { name: 坏的, when: { txt: 你好 }, then: [ { reply: x } ] }\n',
    );
    const r = await runCli(['serve', '--sandbox', '--port', '0', '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown fact "txt"');
    expect(r.stderr).toContain('faq id "a" is used twice');
    expect(
      r.stderr.endsWith(
        `kfbot serve: cannot start, the rules in ${dir} have errors (kfbot validate ${dir})\n`,
      ),
    ).toBe(true);
    expect(r.stdout).not.toContain('open http');
    noStack(r.stderr);
  }, 60_000);

  it('/wait without a duration says what a duration looks like', async () => {
    const r = await runCli(['chat'], { input: '/wait\n/quit\n' });
    expect(r.stdout).toContain('✗ wait takes a duration such as 30s, 5m, 2h or 1h30m, up to 168h (got "")');
    expect(r.stdout).not.toContain('is required');
  }, 60_000);
});
