import { spawn } from 'node:child_process';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { KFBOT, runCli } from './run-cli.ts';

describe('kfbot', () => {
  it('lists its commands with --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: kfbot <command>');
    expect(r.stdout).toMatch(/validate\s+check rule files/);
  });

  it('says what to do about an unknown command', async () => {
    const r = await runCli(['serv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "serv". Run "kfbot --help"');
  });

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
