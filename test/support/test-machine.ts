/**
 * What `npm test` needs from the machine, brought by the test run itself so that the README's two
 * commands pass on a fresh machine: Debian's Chromium (the sandbox page is tested in a real
 * browser) with CJK and emoji fonts (so its screenshot is legible), and a Redis for the Redis store
 * and replica tests. Packages are installed when missing and the user may install them; Redis is
 * started for the run when nothing answers where the tests look for it. Otherwise the run stops at
 * once with one line saying what is missing and the command that fixes it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isLoopback } from '../../src/config/loopback.ts';

/** The line that stops the run: what is missing, and the command that fixes it. */
export class MachineNotReady extends Error {
  override readonly name = 'MachineNotReady';
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BROWSER_PACKAGES = ['chromium', 'fonts-wqy-zenhei', 'fonts-noto-color-emoji'];

/** The Redis URLs the tests read, with the defaults they fall back to. */
export const TEST_REDIS_URLS = [
  process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15',
  process.env.KFBOT_TEST_REDIS_E2E ?? 'redis://127.0.0.1:6379/13',
  process.env.KFBOT_TEST_REDIS_CRASH ?? 'redis://127.0.0.1:6379/12',
];

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, binary);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

function hasCjkFont(): boolean {
  const r = spawnSync('fc-list', [], { encoding: 'utf8' });
  return r.status === 0 && /wenquanyi|noto sans cjk/i.test(r.stdout);
}

/** apt-get, as root or through sudo without a password prompt; undefined when not allowed. */
function packageInstaller(): string[] | undefined {
  if (!onPath('apt-get')) return undefined;
  if (process.getuid?.() === 0) return [];
  if (onPath('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0) return ['sudo', '-n'];
  return undefined;
}

function aptInstall(prefix: string[], packages: string[]): boolean {
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...prefix, ...args];
    // Other test runs may be installing too: wait for dpkg's lock instead of failing on it.
    return (
      spawnSync(cmd as string, rest, {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      }).status === 0
    );
  };
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  return (
    run(['apt-get', ...lock, 'update', '-qq']) &&
    run(['apt-get', ...lock, 'install', '-y', '-qq', '--no-install-recommends', ...packages])
  );
}

function install(packages: string[], why: string, log: (line: string) => void): boolean {
  const installer = packageInstaller();
  if (!installer) return false;
  log(`installing ${packages.join(' ')} from Debian's packages (${why})`);
  return aptInstall(installer, packages);
}

/** Installs what the run needs and is missing, or throws MachineNotReady. */
export function preparePackages(log: (line: string) => void): void {
  const chromium = existsSync(CHROMIUM_PATH);
  const fonts = hasCjkFont();
  if (!chromium || !fonts) {
    const installed = install(BROWSER_PACKAGES, 'the sandbox page is tested in a real browser', log);
    if (!existsSync(CHROMIUM_PATH)) {
      throw new MachineNotReady(
        `kfbot's tests need Chromium at ${CHROMIUM_PATH}${installed ? ' (apt-get could not install it)' : ''}: run  sudo apt-get install -y ${BROWSER_PACKAGES.join(' ')}  (or set CHROMIUM_PATH)`,
      );
    }
    if (!hasCjkFont()) log('no CJK font found: the sandbox screenshot will show boxes for Chinese text');
  }
}

export interface RedisAddress {
  host: string;
  port: number;
}

export function redisAddress(url: string): RedisAddress {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(u.port || 6379) };
}

export function answers({ host, port }: RedisAddress, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** The Redis addresses the tests use where nothing answers now. */
export async function silentRedis(urls = TEST_REDIS_URLS): Promise<RedisAddress[]> {
  const unique = new Map(urls.map((u) => redisAddress(u)).map((a) => [`${a.host}:${a.port}`, a]));
  const silent: RedisAddress[] = [];
  for (const a of unique.values()) if (!(await answers(a))) silent.push(a);
  return silent;
}

/**
 * Makes sure redis-server can be started for every silent loopback address (installing it if the
 * user may), or throws MachineNotReady. Run before the typecheck, so a missing Redis stops at once.
 */
export async function prepareRedis(log: (line: string) => void, urls = TEST_REDIS_URLS): Promise<void> {
  for (const a of await silentRedis(urls)) {
    const where = `${a.host}:${a.port}`;
    if (!isLoopback(a.host)) {
      throw new MachineNotReady(
        `nothing answers at ${where}, the Redis the tests were told to use: start it, or unset KFBOT_TEST_REDIS*`,
      );
    }
    if (onPath('redis-server')) continue;
    install(['redis-server'], `nothing answers on ${where}`, log);
    if (!onPath('redis-server')) {
      throw new MachineNotReady(
        `kfbot's tests need a Redis on ${where}; nothing answers there and redis-server is not installed: run  sudo apt-get install -y redis-server`,
      );
    }
  }
}

/** Starts a throwaway redis-server for every silent loopback address; returns how to stop them. */
export async function startRedisForRun(
  log: (line: string) => void,
  urls = TEST_REDIS_URLS,
): Promise<() => Promise<void>> {
  await prepareRedis(log, urls); // installs redis-server if it may, else throws the line to show
  const started: ChildProcess[] = [];
  for (const a of await silentRedis(urls)) {
    log(`starting redis-server on 127.0.0.1:${a.port} for this test run`);
    const child = spawn(
      'redis-server',
      ['--port', String(a.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: mkdtempSync(join(tmpdir(), 'kfbot-test-redis-')), stdio: 'ignore' },
    );
    started.push(child);
    for (let i = 0; i < 100 && !(await answers(a)); i++) await new Promise((r) => setTimeout(r, 50));
    if (!(await answers(a))) {
      child.kill();
      throw new MachineNotReady(
        `redis-server did not start on 127.0.0.1:${a.port}: run  redis-server --port ${a.port}  to see why`,
      );
    }
  }
  return async () => {
    for (const child of started) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
}
