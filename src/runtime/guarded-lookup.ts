import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isPrivateAddress } from '../rules/compile-call.ts';

/** The `code` of the error a refused name fails the connection with (call-runner.ts reads it). */
export const PRIVATE_ADDRESS = 'KFBOT_PRIVATE_ADDRESS';

/**
 * dns.lookup, refusing a name that resolves to a loopback, link-local or private address unless
 * that address is itself in settings.calls.allow (or the name is localhost): a public name
 * re-pointed at an internal address cannot turn a rule into a probe of the company's network.
 */
export function guardedLookup(
  hostname: string,
  options: object,
  callback: (...args: unknown[]) => void,
  allow: readonly string[],
): void {
  dnsLookup(
    hostname,
    options as { all: true },
    (err, addresses: LookupAddress[] | string, family?: number) => {
      if (err) return callback(err);
      const list = typeof addresses === 'string' ? [{ address: addresses, family }] : addresses;
      const bad = isPrivateAddress(hostname)
        ? undefined
        : list.find(
            (a) =>
              isPrivateAddress(a.address) &&
              !allow.some((e) => e === a.address || e.startsWith(`${a.address}:`)),
          );
      if (bad) {
        const refused = Object.assign(
          new Error(
            `${hostname} resolves to ${bad.address}, a private address; list "${bad.address}" in settings.calls.allow if you mean it`,
          ),
          { code: PRIVATE_ADDRESS },
        );
        return callback(refused);
      }
      if (typeof addresses === 'string') callback(null, addresses, family);
      else callback(null, addresses);
    },
  );
}
