/**
 * The open_kfid of a simulated KF account that was not given one: derived from the account's name,
 * so every start of the simulator (the sandbox's, `kfbot wecom-simulator`'s) hands kfbot the same
 * ids. kfbot keys what it keeps by open_kfid — cursors, conversations, reports — so a store kept
 * across restarts would otherwise gain a new set of "accounts" each time (issue #25).
 *
 * Why derived rather than the simulator's state persisted beside the store: the id is the only
 * thing of the simulated enterprise a store holds on to. Its messages, sessions, codes (20 s) and
 * callback tokens (10 min) are short-lived, the default store is in memory with nowhere to write,
 * and a second persisted format would need its own versions and migrations. The cursors a store
 * kept are then ones this simulator never issued; it refuses them as WeCom would (sync-msg.ts),
 * and kfbot recovers from that as it must from WeCom (account-puller.ts).
 */
import { createHash } from 'node:crypto';

/** `wk` + 30 url-safe characters, the shape of a real open_kfid (wecom-kf.md §4.1 examples). */
export function stableOpenKfId(
  name: string,
  taken: ReadonlySet<string> | ReadonlyMap<string, unknown>,
): string {
  // A second account of the same name gets the next id of a chain, still the same on every start.
  for (let n = 0; ; n++) {
    const digest = createHash('sha256').update(`kfbot simulator account\n${name}\n${n}`).digest('base64url');
    const id = `wk${digest.slice(0, 30)}`;
    if (!taken.has(id)) return id;
  }
}
