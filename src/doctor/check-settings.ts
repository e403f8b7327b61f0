/**
 * The WECOM_* settings, each on its own line: present and well-formed, before anything is sent.
 * The rules are config.ts's (one source); this only splits its problems by key and adds the
 * console path where each value is copied from.
 */
import { CONFIG_KEYS, type ConfigProblem } from '../config/config.ts';
import { type DoctorCheck, fail, ok } from './doctor-check.ts';

const WHERE: Record<string, { zh: string; en: string }> = {
  WECOM_CORP_ID: {
    zh: '在企业微信管理后台「我的企业 → 企业信息」复制「企业ID」，填入 WECOM_CORP_ID',
    en: 'copy 企业ID from 我的企业 → 企业信息 in the WeCom admin console into WECOM_CORP_ID',
  },
  WECOM_SECRET: {
    zh: '在「应用管理 → 自建应用 → 你的应用」查看 Secret（发送到管理员的企业微信），填入 WECOM_SECRET',
    en: 'view the Secret of your self-built app under 应用管理 → 自建应用 (it is sent to the admin’s WeCom) and put it in WECOM_SECRET',
  },
  WECOM_TOKEN: {
    zh: '在应用的「接收消息 → 设置API接收」页面复制 Token（只含字母和数字），填入 WECOM_TOKEN',
    en: 'copy the Token (letters and digits only) from the app’s 接收消息 → 设置API接收 page into WECOM_TOKEN',
  },
  WECOM_ENCODING_AES_KEY: {
    zh: '在同一页面复制 43 位 EncodingAESKey（只含字母和数字），填入 WECOM_ENCODING_AES_KEY',
    en: 'copy the 43-character EncodingAESKey (letters and digits only) from the same page into WECOM_ENCODING_AES_KEY',
  },
  WECOM_API_BASE: {
    zh: '不设置 WECOM_API_BASE（默认 https://qyapi.weixin.qq.com），或设为你的出口代理地址',
    en: 'unset WECOM_API_BASE (default https://qyapi.weixin.qq.com) or set it to your egress proxy’s URL',
  },
};

/** The keys doctor checks, in the order the console shows them. */
export const WECOM_KEYS = [
  CONFIG_KEYS.corpId.env,
  CONFIG_KEYS.secret.env,
  CONFIG_KEYS.token.env,
  CONFIG_KEYS.encodingAesKey.env,
  CONFIG_KEYS.apiBase.env,
] as const;

export function checkSettings(problems: readonly ConfigProblem[]): DoctorCheck[] {
  return WECOM_KEYS.map((key) => {
    const problem = problems.find((p) => p.key === key);
    const where = WHERE[key] as { zh: string; en: string };
    if (problem) return fail(`settings.${key}`, problem.message, where.zh, where.en);
    return ok(`settings.${key}`, `${key} is set and well-formed`);
  });
}

/** Every other configuration problem (KFBOT_*, LOG_LEVEL): one line each. */
export function checkOtherSettings(problems: readonly ConfigProblem[]): DoctorCheck[] {
  return problems
    .filter((p) => !(WECOM_KEYS as readonly string[]).includes(p.key))
    .map((p) =>
      fail(
        `settings.${p.key}`,
        p.message,
        `按提示修改 ${p.key}（环境变量或工作目录下的 .env 文件）`,
        `fix ${p.key} as the message says (in the environment or the .env file in the working directory)`,
      ),
    );
}
