/**
 * `npm start` is what a process manager runs: a SIGTERM to the npm process must stop kfbot, with
 * its graceful shutdown, and leave no kfbot behind.
 */
import { spawn } from 'node:child_process';
import { request } from 'undici';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT } from './run-cli.ts';

/** The environment of a machine with no WeCom account: npm start runs the sandbox. */
function bareEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KFBOT_PORT: '0', KFBOT_HOST: '127.0.0.1' };
  for (const k of Object.keys(env)) if (k.startsWith('WECOM_')) delete env[k];
  delete env.KFBOT_STORE;
  return env;
}

describe('npm start', () => {
  it('stops kfbot gracefully when the npm process gets SIGTERM', async () => {
    // Its own process group, so that whatever is left can be cleaned up even when the test fails.
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: bareEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    onTestFinished(() => {
      try {
        process.kill(-(npm.pid as number), 'SIGKILL');
      } catch {
        // the group is gone: nothing was left behind
      }
    });
    let out = '';
    // The pipe closes only when every process writing to it has exited: npm and kfbot.
    const closed = new Promise<void>((resolve) => npm.stdout.on('close', () => resolve()));
    npm.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    const url = await new Promise<string>((resolve, reject) => {
      npm.stdout.on('data', () => {
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/sandbox"/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      npm.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${out}`)));
    });
    expect((await request(`${url}/healthz`)).statusCode).toBe(200);

    npm.kill('SIGTERM');
    await closed;
    const messages = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain('shutting down the sandbox');
    expect(messages.at(-1)).toBe('stopped');
    await expect(request(`${url}/healthz`)).rejects.toThrow();
  }, 60_000);
});
