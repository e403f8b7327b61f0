/**
 * KFBOT_STORE as `serve` will use it: a SQLite file kfbot can write (and not from a newer kfbot),
 * or a Redis that is reachable, keeps what it is told (persistence), is new enough (6.2: Streams
 * with XAUTOCLAIM) and is a primary (a replica refuses writes). Doctor reads; it never migrates.
 */
import { closeSync, existsSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { SQLITE_SCHEMA_VERSION } from '../store/sqlite-migrations.ts';
import { fsReason } from '../store/store-open-error.ts';
import { type DoctorCheck, fail, ok } from './doctor-check.ts';

export async function checkStore(url: string, cwd: string): Promise<DoctorCheck[]> {
  if (url.startsWith('sqlite:')) return [await checkSqlite(url.slice('sqlite:'.length), cwd)];
  return checkRedis(url);
}

async function checkSqlite(path: string, cwd: string): Promise<DoctorCheck> {
  const id = 'store';
  if (path === ':memory:') {
    return fail(
      id,
      'store: sqlite::memory: forgets cursors and answered messages at every restart',
      '把 KFBOT_STORE 设为磁盘上的文件，例如 sqlite:./data/kfbot.db',
      'set KFBOT_STORE to a file on disk, e.g. sqlite:./data/kfbot.db',
    );
  }
  const file = isAbsolute(path) ? path : join(cwd, path);
  const fix = (why: string) =>
    fail(
      id,
      `store: kfbot cannot write the SQLite store at ${file} (${why})`,
      `让运行 kfbot 的用户可写 ${dirname(file)}，或把 KFBOT_STORE 设为 sqlite:可写目录下的文件`,
      `let the user running kfbot write ${dirname(file)}, or set KFBOT_STORE to sqlite:PATH in a folder it may write to`,
    );
  if (existsSync(file)) {
    try {
      if (statSync(file).isDirectory()) return fix('it is a folder');
      closeSync(openSync(file, 'r+'));
      probeWrite(dirname(file)); // the -wal and -shm files live beside it
    } catch (err) {
      return fix(fsReason(err));
    }
    const { default: Database } = await import('better-sqlite3');
    let version: number;
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        version = db.pragma('user_version', { simple: true }) as number;
      } finally {
        db.close();
      }
    } catch (err) {
      return fail(
        id,
        `store: ${file} is not a SQLite database kfbot can read (${(err as Error).message})`,
        '把 KFBOT_STORE 指向 kfbot 的数据库文件，或指向一个新文件',
        'point KFBOT_STORE at kfbot’s database file, or at a new file',
      );
    }
    if (version > SQLITE_SCHEMA_VERSION) {
      return fail(
        id,
        `store: ${file} was written by a newer kfbot (schema ${version}; this one knows up to ${SQLITE_SCHEMA_VERSION})`,
        '升级 kfbot 到写入该文件的版本',
        'upgrade kfbot to the version that wrote the file',
      );
    }
    return ok(id, `store: SQLite ${file} is writable (schema ${version})`);
  }
  // Not created yet: serve creates it, and its missing folders, on first start.
  let folder = dirname(file);
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  try {
    if (!statSync(folder).isDirectory()) return fix(`${folder} is a file, not a folder`);
    probeWrite(folder);
  } catch (err) {
    return fix(fsReason(err));
  }
  return ok(id, `store: SQLite ${file} will be created on first start (${folder} is writable)`);
}

/** Writes and removes a file in `folder`: access() says yes to root even where writes fail (/proc). */
function probeWrite(folder: string): void {
  const probe = join(folder, `.kfbot-doctor-${process.pid}`);
  writeFileSync(probe, '');
  unlinkSync(probe);
}

function redisTarget(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '6379'}${u.pathname.length > 1 ? u.pathname : '/0'}`;
}

/** INFO's `key:value` lines as a map. */
function infoFields(info: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of info.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) fields.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return fields;
}

async function checkRedis(url: string): Promise<DoctorCheck[]> {
  const target = redisTarget(url);
  const { redisClient } = await import('../store/redis-store.ts');
  const redis = redisClient(url);
  redis.options.retryStrategy = () => null;
  try {
    try {
      await redis.connect();
      await redis.select(redis.options.db ?? 0);
    } catch (err) {
      return [
        fail(
          'store',
          `store: cannot use Redis at ${target} (${(err as Error).message})`,
          '启动 Redis，或把 KFBOT_STORE 指向可达的 Redis（redis://主机:端口/库号；有密码时 redis://:密码@主机:端口/库号）',
          'start Redis, or point KFBOT_STORE at one that is up (redis://host:port/db; with a password redis://:PASSWORD@host:port/db)',
        ),
      ];
    }
    let fields: Map<string, string>;
    try {
      fields = infoFields(await redis.info());
    } catch (err) {
      return [
        ok('store', `store: Redis at ${target} is reachable`),
        fail(
          'store.redis',
          `store: Redis at ${target} refuses INFO (${(err as Error).message}), so its version, persistence and role are unknown`,
          '允许 kfbot 的 Redis 用户执行 INFO，或自行确认：版本 ≥ 6.2、appendonly yes、主节点',
          'allow kfbot’s Redis user to run INFO, or make sure yourself: version ≥ 6.2, appendonly yes, a primary',
        ),
      ];
    }
    const version = fields.get('redis_version') ?? '?';
    const [major = 0, minor = 0] = version.split('.').map(Number);
    const role = fields.get('role') ?? '?';
    const checks: DoctorCheck[] = [ok('store', `store: Redis ${version} at ${target} is reachable`)];
    if (major < 6 || (major === 6 && minor < 2)) {
      checks.push(
        fail(
          'store.redis.version',
          `store: Redis ${version} is too old; kfbot needs 6.2 or newer (Streams with XAUTOCLAIM)`,
          '升级 Redis 到 6.2 或更新版本',
          'upgrade Redis to 6.2 or newer',
        ),
      );
    }
    checks.push(
      fields.get('aof_enabled') === '1'
        ? ok('store.redis.persistence', `store: Redis persistence is on (appendonly yes)`)
        : fail(
            'store.redis.persistence',
            'store: Redis persistence is off (appendonly no): a Redis restart would forget what was answered, and customers would be answered again',
            '在 redis.conf 设置 appendonly yes（立即生效：redis-cli CONFIG SET appendonly yes）',
            'set appendonly yes in redis.conf (now: redis-cli CONFIG SET appendonly yes)',
          ),
    );
    checks.push(
      role === 'master'
        ? ok('store.redis.role', 'store: Redis is a primary (kfbot can write)')
        : fail(
            'store.redis.role',
            `store: Redis at ${target} is a ${role === 'slave' ? 'replica' : role}; it refuses kfbot’s writes`,
            '把 KFBOT_STORE 指向主节点（使用 Sentinel 时指向当前主节点）',
            'point KFBOT_STORE at the primary (with Sentinel, at the current primary)',
          ),
    );
    return checks;
  } finally {
    redis.disconnect();
  }
}
