/**
 * Whether `kfbot serve` runs for WeCom or as the sandbox, and where the sandbox listens. No
 * credentials means "a newcomer trying it": the sandbox, on loopback only, because its page drives
 * customers and servicers without any login. The same absence on a production deployment (its
 * secrets failed to mount) or on an address others can reach is an accident, and must not start
 * an open sandbox there: it is a configuration error instead, listing every missing variable.
 */
import { CONFIG_KEYS } from '../config/config.ts';
import { CREDENTIAL_KEYS } from '../config/credential-keys.ts';
import { isLoopback } from '../config/loopback.ts';

export const LOOPBACK_HOST = '127.0.0.1';

export type ServeMode =
  /** `why`: what the start-up line says — no credentials at all, or --sandbox despite them. */
  | { kind: 'sandbox'; host: string; why: 'no credentials' | '--sandbox' }
  /** `noSandbox`: why missing credentials were not read as "start the sandbox", for the error. */
  | { kind: 'wecom'; noSandbox?: string };

export function serveMode(opts: {
  env: NodeJS.ProcessEnv;
  dotEnv: Record<string, string>;
  flags: Partial<Record<string, string>>;
  forceSandbox: boolean;
}): ServeMode {
  const { env, dotEnv, flags } = opts;
  const setting = (key: string) => env[key]?.trim() || dotEnv[key]?.trim() || undefined;
  const host = flags.host?.trim() || setting(CONFIG_KEYS.host.env);
  const credentials = CREDENTIAL_KEYS.some((k) => setting(k) !== undefined);
  if (opts.forceSandbox) {
    return {
      kind: 'sandbox',
      host: host ?? LOOPBACK_HOST,
      why: credentials ? '--sandbox' : 'no credentials',
    };
  }
  if (credentials) return { kind: 'wecom' };
  if (setting('NODE_ENV') === 'production') {
    return {
      kind: 'wecom',
      noSandbox:
        'NODE_ENV is production, so kfbot does not fall back to its sandbox (if the secrets are mounted from a secret store, check that they arrived)',
    };
  }
  if (host !== undefined && !isLoopback(host)) {
    return {
      kind: 'wecom',
      noSandbox: `the listen address ${host} is reachable from other machines, so kfbot does not fall back to its unauthenticated sandbox there`,
    };
  }
  return { kind: 'sandbox', host: host ?? LOOPBACK_HOST, why: 'no credentials' };
}
