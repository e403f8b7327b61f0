/**
 * `kfbot doctor`'s checks in order — settings, rules, store, WeCom, callback URL — each a line
 * of the checklist. A check that needs an earlier one's result is skipped, with the reason, when
 * that one failed.
 */
import type { Dispatcher } from 'undici';
import { CONFIG_KEYS, loadConfig } from '../config/config.ts';
import { loadRules } from '../rules/load-rules.ts';
import { checkCallbackUrl } from './check-callback-url.ts';
import { checkRules, checkScopes } from './check-rules.ts';
import { checkOtherSettings, checkSettings } from './check-settings.ts';
import { checkStore } from './check-store.ts';
import { checkWeCom } from './check-wecom.ts';
import { type DoctorCheck, fail, skip } from './doctor-check.ts';

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  flags: Partial<Record<string, string>>;
  callbackUrl?: string;
  /** For WeCom's API (the system's trust store). */
  apiDispatcher: Dispatcher;
  /** For the callback URL (--ca's authority when given). */
  callbackDispatcher: Dispatcher;
  customCa: boolean;
  now: () => number;
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorCheck[]> {
  const loaded = loadConfig({ env: opts.env, flags: opts.flags, cwd: opts.cwd });
  const problems = loaded.problems;
  const noCredentials = (['corpId', 'secret', 'token', 'encodingAesKey'] as const).every((k) =>
    problems.some((p) => p.key === CONFIG_KEYS[k].env && p.message.includes('is not set')),
  );
  if (noCredentials) {
    return [
      fail(
        'settings',
        'no WECOM_* credential is set: kfbot serve would start the sandbox, not connect to WeCom',
        '在环境变量或工作目录下的 .env 文件中设置 WECOM_CORP_ID、WECOM_SECRET、WECOM_TOKEN、WECOM_ENCODING_AES_KEY（见 .env.example 与 docs/going-live.md）',
        'set WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN and WECOM_ENCODING_AES_KEY in the environment or the .env file in the working directory (see .env.example and docs/going-live.md)',
      ),
    ];
  }
  const checks: DoctorCheck[] = [...checkSettings(problems), ...checkOtherSettings(problems)];

  const rulesTarget = opts.flags.rules ?? opts.env.KFBOT_RULES ?? CONFIG_KEYS.rules.default;
  const rules = loadRules(rulesTarget, opts.cwd);
  checks.push(checkRules(rulesTarget, rules));

  const config = loaded.config;
  if (config) checks.push(...(await checkStore(config.store, opts.cwd)));
  else checks.push(skip('store', 'store: not checked until the settings above are fixed'));

  if (!config) {
    checks.push(skip('wecom', 'WeCom: not checked until the settings above are fixed'));
  } else {
    const wecom = await checkWeCom(config, { dispatcher: opts.apiDispatcher, now: opts.now });
    checks.push(...wecom.checks);
    if (wecom.accounts && rules.ruleSet) checks.push(checkScopes(rules.ruleSet, wecom.accounts));
  }

  if (opts.callbackUrl === undefined) {
    checks.push(
      skip('callback', 'callback URL: not checked; add --callback-url https://your.domain/callback'),
    );
  } else if (!config) {
    checks.push(skip('callback', 'callback URL: not checked until the settings above are fixed'));
  } else {
    checks.push(
      await checkCallbackUrl({
        url: opts.callbackUrl,
        token: config.token,
        encodingAesKey: config.encodingAesKey,
        corpId: config.corpId,
        dispatcher: opts.callbackDispatcher,
        customCa: opts.customCa,
        now: opts.now,
      }),
    );
  }
  return checks;
}
