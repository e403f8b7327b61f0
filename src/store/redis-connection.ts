/**
 * A parsed KFBOT_STORE Redis URL (config/redis-url.ts) → ioredis options, and a connection failure
 * → one line that says what is wrong. The URL's forms:
 *
 *   redis://[user:password@]host:port/db                 plain TCP
 *   rediss://[user:password@]host:port/db                TLS (cloud Redis: 阿里云 / 腾讯云 …)
 *   redis+sentinel://[user:password@]h1:p1,h2:p2,…/master/db   ask the sentinels for the primary
 *   rediss+sentinel://…                                  the same, TLS to sentinels and Redis
 *
 * The user and password are Redis's (AUTH / ACL); sentinels that need their own password take
 * `?sentinelPassword=…` (and `sentinelUsername=…`). A private CA comes from KFBOT_REDIS_CA_FILE.
 */
import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import type { RedisUrl } from '../config/redis-url.ts';

/** host:port/db (or the sentinels and master name), without any password, for messages. */
export function describeRedis(parsed: RedisUrl): string {
  if (parsed.sentinel) {
    const nodes = parsed.sentinel.nodes.map((n) => `${n.host}:${n.port}`).join(',');
    return `master "${parsed.sentinel.name}" via sentinels ${nodes} (db ${parsed.db})`;
  }
  return `${parsed.server?.host}:${parsed.server?.port}/${parsed.db}`;
}

/** What kfbot's Redis connections share, given the parsed URL and KFBOT_REDIS_CA_FILE. */
export function redisOptions(parsed: RedisUrl, caFile?: string): RedisOptions {
  const tls = parsed.tls ? { ...(caFile && { ca: readFileSync(caFile) }) } : undefined;
  const auth = {
    ...(parsed.username !== undefined && { username: parsed.username }),
    ...(parsed.password !== undefined && { password: parsed.password }),
    db: parsed.db,
  };
  if (parsed.sentinel) {
    const s = parsed.sentinel;
    return {
      ...auth,
      sentinels: s.nodes,
      name: s.name,
      ...(s.username !== undefined && { sentinelUsername: s.username }),
      ...(s.password !== undefined && { sentinelPassword: s.password }),
      ...(tls && { tls, sentinelTLS: tls, enableTLSForSentinelMode: true }),
      // Hear +switch-master at once instead of waiting for the old primary's socket to die.
      failoverDetector: true,
      // Ask sentinels again quickly after a failover, but not in a tight loop when all are down.
      sentinelRetryStrategy: (times: number) => Math.min(times * 100, 2000),
    };
  }
  return {
    ...auth,
    host: parsed.server?.host ?? '127.0.0.1',
    port: parsed.server?.port ?? 6379,
    ...(tls && { tls }),
  };
}

/**
 * Why a connection to Redis failed, in words an operator can act on. Redis answers WRONGPASS for
 * both an unknown user and a wrong password (it does not tell which, on purpose).
 */
export function redisFailure(err: Error, parsed: RedisUrl, caFile?: string): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const msg = err.message;
  const where = `Redis at ${describeRedis(parsed)}`;
  const user = parsed.username === undefined ? 'the default user' : `user "${parsed.username}"`;
  if (/WRONGPASS/.test(msg))
    return `${where} refused ${user} or its password (WRONGPASS); check the user name and password in KFBOT_STORE (redis://USER:PASSWORD@host:port/db)`;
  if (/NOAUTH/.test(msg))
    return `${where} requires a password (NOAUTH) and KFBOT_STORE gives none; write it as redis://:PASSWORD@host:port/db, or redis://USER:PASSWORD@… for an ACL user`;
  if (/NOPERM/.test(msg))
    return `${where}: ${user} lacks a permission kfbot needs (${oneLine(msg)}); grant it +@all on ~kfbot:* (kfbot uses Lua scripts, Streams, INFO and WAIT)`;
  if (TLS_TRUST.has(code))
    return `${where} presented a TLS certificate kfbot does not trust (${code}); ${caFile ? `it is not signed by the CA in KFBOT_REDIS_CA_FILE (${caFile})` : 'give the CA that signed it with KFBOT_REDIS_CA_FILE=/path/ca.pem'}`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `${where} presented a TLS certificate for another host name (${oneLine(msg)}); use the host name the certificate names in KFBOT_STORE`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return `${where} presented a TLS certificate that is not valid now (${code}); renew the server's certificate`;
  if (/wrong version number|packet length too long|WRONG_VERSION_NUMBER/i.test(msg + code))
    return `${where} does not speak TLS on that port (${code || oneLine(msg)}); use redis:// instead of rediss://, or the server's TLS port`;
  if (code === 'ECONNREFUSED')
    return `${where} refused the connection (nothing listens there, ECONNREFUSED); start Redis or point KFBOT_STORE at one that is up`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `${where}: the host name is not known (${code}); check the host in KFBOT_STORE`;
  if (
    code === 'ETIMEDOUT' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    /connect ETIMEDOUT/.test(msg)
  )
    // A plain Redis given a TLS hello waits for a newline that never comes: that is a timeout too.
    return parsed.tls
      ? `${where} did not complete a TLS handshake (${code || 'no answer'}): the host is unreachable, a firewall drops the connection, or the port does not speak TLS (then use redis:// instead of rediss://)`
      : `${where} is unreachable (${code || 'no answer'}): the host is down or a firewall drops the connection; check the host, the port and the network between them`;
  if (code === 'ECONNRESET' || /Connection is closed|closed/i.test(msg))
    return `${where} closed the connection before answering (${code || oneLine(msg)})${parsed.tls ? '' : '; if the server takes TLS only, use rediss://'}`;
  if (/All sentinels are unreachable/i.test(msg))
    return `${where}: no sentinel answered; start the sentinels or fix their host:port list in KFBOT_STORE`;
  if (/could not be connected|not in sentinel|no master|failed to connect/i.test(msg) && parsed.sentinel)
    return `${where}: the sentinels do not know a master named "${parsed.sentinel.name}" or it is down (${oneLine(msg)}); check the master name in KFBOT_STORE`;
  return `cannot reach ${where} (${oneLine(msg)}); start Redis or point KFBOT_STORE at one that is up`;
}

const TLS_TRUST = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 200);
}
