import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { KFBOT } from '../cli/run-cli.ts';

/** The environment of a machine that has never seen a WeCom account. */
function bareEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('WECOM_') || k.startsWith('KFBOT_')) delete env[k];
  return env;
}

describe('kfbot serve with no WeCom credentials', () => {
  it('starts in sandbox mode, says so in one line with the URL, and serves the page', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'kfbot-fresh-'));
    const child = spawn(
      process.execPath,
      [KFBOT, 'serve', '--port', '0', '--host', '127.0.0.1', '--rules', resolve('rules')],
      {
        cwd,
        env: bareEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const line = await new Promise<{ msg: string; url: string }>((done, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        for (const l of out.split('\n')) {
          if (l.includes('sandbox mode')) done(JSON.parse(l) as { msg: string; url: string });
        }
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
    });
    expect(line.msg).toMatch(
      /^sandbox mode \(no WeCom credentials\): kfbot runs against its built-in WeCom simulator — open http:\/\/127\.0\.0\.1:\d+\/sandbox$/,
    );
    const page = await request(line.url);
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toContain('kfbot 沙盒');
    const ready = await request(line.url.replace('/sandbox', '/readyz'));
    expect(ready.statusCode).toBe(200);
    await ready.body.text();
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
