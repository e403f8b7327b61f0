/**
 * KFBOT_STORE's Redis forms, parsed and checked without connecting (config checks them at start,
 * store/redis-connection.ts turns them into ioredis options):
 *
 *   redis://[user:password@]host:port/db                 plain TCP
 *   rediss://[user:password@]host:port/db                TLS (cloud Redis: 阿里云 / 腾讯云 …)
 *   redis+sentinel://[user:password@]h1:p1,h2:p2,…/master/db   ask the sentinels for the primary
 *   rediss+sentinel://…                                  the same, TLS to sentinels and Redis
 */

export interface RedisEndpoint {
  host: string;
  port: number;
}

export interface RedisUrl {
  tls: boolean;
  /** Set for the sentinel forms: where to ask, and the master's name. */
  sentinel?: { nodes: RedisEndpoint[]; name: string; username?: string; password?: string };
  /** The server itself (plain and TLS forms). */
  server?: RedisEndpoint;
  username?: string;
  password?: string;
  db: number;
}

const SENTINEL_URL =
  /^(rediss?)\+sentinel:\/\/(?:([^@/]*)@)?([^/?#@]+)\/([^/?#]+)(?:\/([^/?#]*))?\/?(?:\?([^#]*))?$/;

/** Parses a store URL, or says in one line what is wrong (never echoing a password). */
export function parseRedisUrl(url: string): RedisUrl | { problem: string } {
  const s = SENTINEL_URL.exec(url);
  if (s) {
    const [, scheme, auth, hosts = '', name = '', db = '', query = ''] = s;
    const nodes: RedisEndpoint[] = [];
    for (const part of hosts.split(',')) {
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(part.trim());
      if (!m?.[1]) return { problem: `KFBOT_STORE names sentinel "${part}": write each as host:port` };
      nodes.push({ host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2] ?? 26379) });
    }
    if (!/^\d*$/.test(db))
      return {
        problem: `KFBOT_STORE names Redis database "${db}": a database is a number, e.g. …/${name}/0`,
      };
    const params = new URLSearchParams(query);
    const sentinelUsername = params.get('sentinelUsername') ?? undefined;
    const sentinelPassword = params.get('sentinelPassword') ?? undefined;
    return {
      tls: scheme === 'rediss',
      sentinel: {
        nodes,
        name: decodeURIComponent(name),
        ...(sentinelUsername !== undefined && { username: sentinelUsername }),
        ...(sentinelPassword !== undefined && { password: sentinelPassword }),
      },
      ...userInfo(auth),
      db: Number(db || 0),
    };
  }
  if (/^rediss?\+sentinel:/.test(url))
    return {
      problem:
        'KFBOT_STORE is not a valid sentinel URL; use redis+sentinel://host:26379,host:26380,host:26381/MASTER_NAME/0',
    };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { problem: 'KFBOT_STORE is not a valid redis:// URL; use redis://host:6379/0' };
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    return { problem: 'KFBOT_STORE is not a Redis URL; use redis://, rediss:// or redis+sentinel://' };
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    // The URL may carry a password: show only host, port and the offending part.
    return {
      problem: `KFBOT_STORE names Redis database "${decodeURIComponent(db)}" on ${u.host}: a database is a number, e.g. redis://${u.host}/0`,
    };
  const auth = u.username || u.password ? `${u.username}:${u.password}` : undefined;
  return {
    tls: u.protocol === 'rediss:',
    server: { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 6379) },
    ...userInfo(auth),
    db: Number(db || 0),
  };
}

function userInfo(auth: string | undefined): { username?: string; password?: string } {
  if (auth === undefined || auth === '') return {};
  const colon = auth.indexOf(':');
  const user = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon));
  const password = colon < 0 ? undefined : decodeURIComponent(auth.slice(colon + 1));
  // redis://:password@host is the default user with a password (Redis < 6 AUTH).
  return { ...(user !== '' && { username: user }), ...(password !== undefined && { password }) };
}
