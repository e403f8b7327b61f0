import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/runtime/http-server.ts';
import { CallbackCodec } from '../../src/wecom/callback-codec.ts';
import { waitFor } from '../e2e/kfbot-process.ts';
import { KFBOT, runCli } from './run-cli.ts';

describe('kfbot', () => {
  it('lists its commands with --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: kfbot <command>');
    expect(r.stdout).toMatch(/validate\s+check rule files/);
  });

  it.each([['serve'], ['doctor'], ['forget'], ['rules'], ['report', 'unanswered']])(
    'names both store kinds --store takes in "kfbot %s --help"',
    async (...command) => {
      const r = await runCli([...command.filter((c) => c !== undefined), '--help']);
      expect(r.code).toBe(0);
      const store = r.stdout.split('\n').find((l) => l.trimStart().startsWith('--store'));
      expect(store).toContain('sqlite:PATH');
      expect(store).toContain('redis://');
    },
  );

  it('says what to do about an unknown command', async () => {
    const r = await runCli(['serv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "serv". Run "kfbot --help"');
  });

  it('ends quietly when the reader of its output goes away (kfbot chat | head)', async () => {
    const child = spawn(process.execPath, [KFBOT, 'chat', '--rules', 'test/e2e/rules'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    // Read the banner, then close the pipe as `head -1` would, and keep chatting.
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    child.stdin.write('/enter\n1\n你好\n');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(stderr).not.toContain('EPIPE');
  }, 60_000);

  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('kfbot wecom-simulator', () => {
  it('serves the WeCom API and prints how to reach it, until stopped', async () => {
    const child = spawn(process.execPath, [KFBOT, 'wecom-simulator', '--port', '0', '--secret', 's3cret'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        const m = /WECOM_API_BASE=(\S+)/.exec(out);
        const corp = /WECOM_CORP_ID=(\S+)/.exec(out);
        if (m?.[1] && corp) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    const corpId = /WECOM_CORP_ID=(\S+)/.exec(out)?.[1] as string;
    const res = await request(`${url}/cgi-bin/gettoken?corpid=${corpId}&corpsecret=s3cret`);
    expect(await res.body.json()).toMatchObject({ errcode: 0, expires_in: 7200 });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('kfbot wecom-simulator --callback-url', () => {
  it('makes a customer write from typed commands, and sends the signed callback for it', async () => {
    const received: { query: Record<string, string>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d;
      });
      req.on('end', () => {
        received.push({ query: parseQuery(new URL(req.url ?? '/', 'http://x').search), body });
        res.end('success');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const port = (receiver.address() as AddressInfo).port;
    const child = spawn(
      process.execPath,
      [KFBOT, 'wecom-simulator', '--port', '0', '--callback-url', `http://127.0.0.1:${port}/callback`],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    await waitFor(() => out.includes('type "help"'), 'the simulator to start', 40_000);
    child.stdin.write('say 你好\n');
    await waitFor(() => received.length > 0 && out.includes('→ '), 'the callback', 30_000);
    expect(out).toMatch(/→ \S+: text \{"content":"你好"\} \(msgid \S+\)/);
    const setting = (name: string) => new RegExp(`${name}=(\\S+)`).exec(out)?.[1] as string;
    const codec = new CallbackCodec({
      token: setting('WECOM_TOKEN'),
      encodingAesKey: setting('WECOM_ENCODING_AES_KEY'),
      corpId: setting('WECOM_CORP_ID'),
    });
    const first = received[0] as { query: Record<string, string>; body: string };
    expect(codec.openNotice(first.query as never, first.body)).toMatchObject({ event: 'kf_msg_or_event' });
    child.stdin.write('click nothing-sent\n');
    await waitFor(() => out.includes('✗ '), 'the refusal');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    receiver.close();
  }, 60_000);
});
