import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { describe, expect, it, onTestFinished } from 'vitest';
import { serveMode } from '../../src/cli/serve-mode.ts';
import { isLoopback } from '../../src/config/loopback.ts';
import { KFBOT, runCli } from '../cli/run-cli.ts';

/** The environment of a machine that has never seen a WeCom account. */
function bareEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('WECOM_') || k.startsWith('KFBOT_')) delete env[k];
  return env;
}

describe('kfbot serve with no WeCom credentials', () => {
  it('starts in sandbox mode on loopback only, says so in one line with the URL, and serves the page', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'kfbot-fresh-'));
    const child = spawn(process.execPath, [KFBOT, 'serve', '--port', '0', '--rules', resolve('rules')], {
      cwd,
      env: bareEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<{ msg: string; url: string; listen: string }>((done, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        for (const l of out.split('\n')) {
          if (l.includes('sandbox mode')) done(JSON.parse(l) as { msg: string; url: string; listen: string });
        }
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
    });
    // A failed assertion below must not leave the server running after the test run.
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    expect(line.msg).toMatch(
      /^sandbox mode \(no WeCom credentials\): kfbot runs against its built-in WeCom simulator — open http:\/\/127\.0\.0\.1:\d+\/sandbox$/,
    );
    const page = await request(line.url);
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toContain('kfbot 沙盒');
    // The same headers as the console: only its own script, never framed, no sniffing.
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const head = await request(line.url, { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['x-frame-options']).toBe('DENY');
    await head.body.text();
    const script = await request(line.url.replace('/sandbox', '/sandbox/app.js'));
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    await script.body.text();
    const ready = await request(line.url.replace('/sandbox', '/readyz'));
    expect(ready.statusCode).toBe(200);
    expect(JSON.parse(await ready.body.text())).toMatchObject({ ready: true, mode: 'sandbox' });
    expect(line.listen).toBe('127.0.0.1');
    // From any other interface of this machine, the port is closed.
    const port = Number(new URL(line.url).port);
    for (const address of externalAddresses()) {
      expect(await connects(address, port)).toBe(false);
    }
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
    .map((i) => (i as { address: string }).address);
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

describe('kfbot serve with no WeCom credentials where the sandbox would be an accident', () => {
  const missing = ['WECOM_CORP_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'];

  it.each([
    ['NODE_ENV=production', [], { NODE_ENV: 'production' }, 'NODE_ENV is production'],
    ['--host 0.0.0.0', ['--host', '0.0.0.0'], {}, 'reachable from other machines'],
    ['KFBOT_HOST=10.0.0.5', [], { KFBOT_HOST: '10.0.0.5' }, 'reachable from other machines'],
  ])(
    'refuses to start with %s, naming every missing variable',
    async (_name, args, env, why) => {
      const cwd = mkdtempSync(join(tmpdir(), 'kfbot-nosecrets-'));
      const bare = bareEnv();
      const r = await runCli(['serve', '--port', '0', '--rules', resolve('rules'), ...args], {
        cwd,
        env: { ...bare, ...env } as Record<string, string>,
        replaceEnv: true,
      });
      expect(r.code).toBe(1);
      for (const name of missing) expect(r.stderr).toContain(`${name} is not set`);
      expect(r.stderr).toContain(why);
      expect(r.stderr).toContain('kfbot serve --sandbox');
      expect(r.stdout).not.toContain('sandbox mode');
    },
    60_000,
  ); // a cold start of the CLI under tsx takes seconds on a busy machine
});

describe('serveMode', () => {
  const none = { env: {}, dotEnv: {}, flags: {}, forceSandbox: false };

  it('runs the sandbox on 127.0.0.1 when nothing is set', () => {
    expect(serveMode(none)).toEqual({ kind: 'sandbox', host: '127.0.0.1', why: 'no credentials' });
  });

  it('keeps an explicit loopback host for the sandbox', () => {
    expect(serveMode({ ...none, flags: { host: '::1' } })).toEqual({
      kind: 'sandbox',
      host: '::1',
      why: 'no credentials',
    });
  });

  it('runs the sandbox anywhere when --sandbox asks for it, even in production', () => {
    expect(
      serveMode({ ...none, env: { NODE_ENV: 'production' }, flags: { host: '0.0.0.0' }, forceSandbox: true }),
    ).toEqual({ kind: 'sandbox', host: '0.0.0.0', why: 'no credentials' });
    expect(serveMode({ ...none, env: { WECOM_SECRET: 's' }, forceSandbox: true })).toEqual({
      kind: 'sandbox',
      host: '127.0.0.1',
      why: '--sandbox',
    });
  });

  it('reads the host and NODE_ENV from .env too', () => {
    expect(serveMode({ ...none, dotEnv: { KFBOT_HOST: '0.0.0.0' } }).kind).toBe('wecom');
    expect(serveMode({ ...none, dotEnv: { NODE_ENV: 'production' } }).kind).toBe('wecom');
  });

  it('is WeCom mode as soon as one credential is set', () => {
    expect(serveMode({ ...none, env: { WECOM_SECRET: 's' } })).toEqual({ kind: 'wecom' });
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', 'example.com', '128.0.0.1'])
      expect(isLoopback(h)).toBe(false);
  });
});
