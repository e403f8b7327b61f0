/**
 * The names operators know their accounts by (售前咨询), for the report tables instead of `wk…`
 * ids. Asked of WeCom (kf/account/list, the same KfApi serve uses) when the credentials are set —
 * flags, environment, `.env`, as every command reads them — with a short timeout and no retry: a
 * report must not hang on the network, and without names it still shows the ids. Nothing is
 * written: the token fetched lives only in this process.
 */
import { CONFIG_KEYS } from '../../config/config.ts';
import { Settings } from '../../config/settings.ts';
import { WeComClient } from '../../wecom/api-client.ts';
import { KfApi } from '../../wecom/kf-api.ts';
import { undici } from '../../wecom/undici.ts';
import type { CommandIo } from '../command.ts';

/** Long enough for WeCom from anywhere (a round trip is 50-300 ms), short enough to wait for. */
const NAMES_TIMEOUT_MS = 3000;

/** open_kfid → name; empty when no credentials are set or WeCom did not answer (said on stderr). */
export async function accountNames(
  io: Pick<CommandIo, 'env' | 'cwd'>,
  notice: (line: string) => void,
): Promise<Map<string, string>> {
  const settings = new Settings(io);
  const corpId = settings.get(CONFIG_KEYS.corpId).value;
  const secret = settings.get(CONFIG_KEYS.secret).value;
  if (corpId === '' || secret === '') return new Map();
  // Its own connection pool, closed after: an idle keep-alive socket would hold the report open.
  const agent = new (await undici()).Agent({ keepAliveTimeout: 1000 });
  const client = new WeComClient({
    dispatcher: agent,
    corpId,
    secret,
    baseUrl: settings.get(CONFIG_KEYS.apiBase).value.replace(/\/+$/, ''),
    timeoutMs: NAMES_TIMEOUT_MS,
    retry: { maxAttempts: 1 },
  });
  try {
    const accounts = await new KfApi(client).listAccounts();
    return new Map(accounts.map((a) => [a.open_kfid, a.name]));
  } catch (err) {
    // The error names the API and errcode, never the secret or the token.
    notice(`account names unavailable (${(err as Error).message}); the table shows open_kfid`);
    return new Map();
  } finally {
    await agent.close();
  }
}
