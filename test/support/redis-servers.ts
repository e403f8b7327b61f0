/**
 * Real redis-server / sentinel processes for tests, each on a free port the OS picked, and a test
 * CA made with openssl: TLS, passwords, ACL users and failover tried against the real thing.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface RedisProcess {
  port: number;
  dir: string;
  child: ChildProcess;
  /** Everything it logged. */
  output(): string;
  kill(): void;
}

/** Starts redis-server (or a sentinel, given its directives) and waits until it accepts connections. */
export async function startRedisProcess(
  args: string[],
  opts: { port?: number; sentinel?: string[]; dir?: string } = {},
): Promise<RedisProcess> {
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'kfbot-redis-'));
  let conf: string[] = [];
  if (opts.sentinel) {
    // A sentinel rewrites its config file: it must have one of its own, holding its directives.
    const file = join(dir, `sentinel-${port}.conf`);
    writeFileSync(file, opts.sentinel.map((l) => `${l}\n`).join(''));
    conf = [file, '--sentinel'];
  }
  const child = spawn(
    'redis-server',
    [...conf, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += String(b);
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += String(b);
  });
  const ready = opts.sentinel ? /Sentinel ID is|\+monitor/ : /Ready to accept connections/;
  const started = Date.now();
  while (!ready.test(out)) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${out.slice(-500)}`);
    if (Date.now() - started > 10_000) throw new Error(`redis-server did not start: ${out.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    dir,
    child,
    output: () => out,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export interface TestCa {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** A CA that signed nothing here: trusting it must not be enough. */
  otherCaFile: string;
}

/** A CA and a server certificate for 127.0.0.1 / localhost it signed, made with openssl. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-ca-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string) =>
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    );
  ca('kfbot-test-ca');
  ca('kfbot-other-ca');
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'kfbot-test-ca.pem',
    '-CAkey',
    'kfbot-test-ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'server.pem',
  );
  return {
    dir,
    caFile: join(dir, 'kfbot-test-ca.pem'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'),
    otherCaFile: join(dir, 'kfbot-other-ca.pem'),
  };
}

/** redis-server arguments for TLS only (no plain port): clients need no certificate of their own. */
export function tlsOnlyArgs(ca: TestCa, tlsPort: number): string[] {
  return [
    '--port',
    '0',
    '--tls-port',
    String(tlsPort),
    '--tls-cert-file',
    ca.certFile,
    '--tls-key-file',
    ca.keyFile,
    '--tls-ca-cert-file',
    ca.caFile,
    '--tls-auth-clients',
    'no',
  ];
}

export interface SentinelGroup {
  /** The primary and replica, as started (which is primary changes with a failover). */
  servers: RedisProcess[];
  sentinels: RedisProcess[];
  /** The URL kfbot is given: redis+sentinel://…/MASTER/db. */
  url: string;
  kill(): void;
}

/**
 * A primary, a replica and three sentinels watching them (quorum 2), tuned to fail over in a few
 * seconds: the production shape of a highly available Redis, on loopback.
 */
export async function startSentinelGroup(
  name = 'kfbot',
  opts: { downAfterMs?: number; serverArgs?: string[] } = {},
): Promise<SentinelGroup> {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-sentinel-'));
  // No 5 s wait before the first full sync (Redis 7's default): the replica is in sync at once.
  const args = [...(opts.serverArgs ?? ['--appendonly', 'no']), '--repl-diskless-sync-delay', '0'];
  const primary = await startRedisProcess(args, { dir: mkdtempSync(join(dir, 'p-')) });
  const replica = await startRedisProcess([...args, '--replicaof', '127.0.0.1', String(primary.port)], {
    dir: mkdtempSync(join(dir, 'r-')),
  });
  const started = Date.now();
  // The primary counts the replica for WAIT only once it says the sync succeeded.
  while (!/Synchronization with replica \S+ succeeded/.test(primary.output())) {
    if (Date.now() - started > 10_000)
      throw new Error(`the replica did not sync: ${replica.output().slice(-500)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const sentinels: RedisProcess[] = [];
  for (let i = 0; i < 3; i++) {
    sentinels.push(
      await startRedisProcess([], {
        dir,
        sentinel: [
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${name} ${opts.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 1`,
        ],
      }),
    );
  }
  // Every sentinel knows the replica and the other two: a failover can be agreed on.
  while (
    !sentinels.every(
      (x) => x.output().includes('+slave') && (x.output().match(/\+sentinel /g) ?? []).length >= 2,
    )
  ) {
    if (Date.now() - started > 30_000)
      throw new Error('the sentinels did not find the replica and each other');
    await new Promise((r) => setTimeout(r, 50));
  }
  const nodes = sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  const group: SentinelGroup = {
    servers: [primary, replica],
    sentinels,
    url: `redis+sentinel://${nodes}/${name}/0`,
    kill: () => {
      for (const p of [...sentinels, primary, replica]) p.kill();
    },
  };
  return group;
}
