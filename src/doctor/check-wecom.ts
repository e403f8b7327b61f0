/**
 * The WeCom side of the setup: gettoken (which of corp id and secret is wrong, 60020 with the IP
 * WeCom saw), kf/account/list (the app may call 微信客服 and manage which accounts), how those
 * accounts meet the rules' open_kfid scopes, and our clock against WeCom's Date header.
 */
import type { Dispatcher } from 'undici';
import type { KfbotConfig } from '../config/config.ts';
import { ERRMSG_FROM_IP } from '../wecom/platform-choices.ts';
import { type DoctorCheck, fail, ok, skip } from './doctor-check.ts';
import { type ProbeAnswer, ProbeFailed, probe } from './wecom-probe.ts';

/** Further than this from WeCom's clock is a failure: callbacks and 20 s codes are timed. */
export const MAX_CLOCK_SKEW_MS = 5000;

export interface WeComChecks {
  checks: DoctorCheck[];
  /** The accounts the app may manage, for the rules' scopes; undefined if not known. */
  accounts?: { openKfId: string; name: string; manage: boolean }[];
}

export async function checkWeCom(
  config: Pick<KfbotConfig, 'corpId' | 'secret' | 'apiBase' | 'apiTimeoutSec'>,
  deps: { dispatcher: Dispatcher; now: () => number },
): Promise<WeComChecks> {
  const call = (path: string, method: 'GET' | 'POST', body?: unknown) =>
    probe({
      url: `${config.apiBase}/cgi-bin/${path}`,
      method,
      body,
      dispatcher: deps.dispatcher,
      timeoutMs: config.apiTimeoutSec * 1000,
      now: deps.now,
    });
  const query = new URLSearchParams({ corpid: config.corpId, corpsecret: config.secret });
  let answer: ProbeAnswer;
  try {
    answer = await call(`gettoken?${query}`, 'GET');
  } catch (err) {
    if (!(err instanceof ProbeFailed)) throw err;
    return {
      checks: [
        fail(
          'wecom.gettoken',
          `cannot reach the WeCom API at ${config.apiBase}: ${err.message}`,
          `确认本机能访问 ${config.apiBase}（DNS、防火墙、出口代理）；WECOM_API_BASE 是否写错`,
          `make sure this machine can reach ${config.apiBase} (DNS, firewall, egress proxy), and that WECOM_API_BASE is right`,
        ),
        skip('wecom.accounts', 'kf accounts: not checked (no access token)'),
        skip('clock', 'clock: not checked (WeCom did not answer)'),
      ],
    };
  }
  const clock = checkClock(answer.skewMs);
  const token = typeof answer.json.access_token === 'string' ? answer.json.access_token : undefined;
  if (answer.errcode !== 0 || token === undefined) {
    return {
      checks: [
        gettokenFailure(answer, config.corpId, config.apiBase),
        skip('wecom.accounts', 'kf accounts: not checked (no access token)'),
        clock,
      ],
    };
  }
  const gettoken = ok(
    'wecom.gettoken',
    `gettoken: WeCom accepts WECOM_CORP_ID ${config.corpId} and WECOM_SECRET (this machine’s IP is trusted)`,
  );
  let list: ProbeAnswer;
  try {
    list = await call(`kf/account/list?access_token=${encodeURIComponent(token)}`, 'POST', {
      offset: 0,
      limit: 100,
    });
  } catch (err) {
    if (!(err instanceof ProbeFailed)) throw err;
    return {
      checks: [
        gettoken,
        fail(
          'wecom.accounts',
          `kf/account/list failed: ${err.message}`,
          '稍后再运行 kfbot doctor',
          'run kfbot doctor again in a moment',
        ),
        clock,
      ],
    };
  }
  if (list.errcode !== 0) return { checks: [gettoken, accountListFailure(list), clock] };
  const raw = Array.isArray(list.json.account_list) ? list.json.account_list : [];
  const accounts = raw.map((a: Record<string, unknown>) => ({
    openKfId: String(a.open_kfid ?? ''),
    name: String(a.name ?? ''),
    manage: a.manage_privilege !== false,
  }));
  const manageable = accounts.filter((a) => a.manage);
  const accountsCheck =
    manageable.length === 0
      ? fail(
          'wecom.accounts',
          accounts.length === 0
            ? 'kf accounts: the app may call 微信客服 APIs but no 客服账号 is delegated to it'
            : `kf accounts: none of ${accounts.map(label).join(', ')} may be managed by this app`,
          '在「微信客服 → API → 通过API管理微信客服账号」中把客服账号分配给这个应用',
          'delegate the customer-service accounts to this app under 微信客服 → API → 通过API管理微信客服账号',
        )
      : ok(
          'wecom.accounts',
          `kf accounts the app manages: ${manageable.map(label).join(', ')}${
            manageable.length < accounts.length
              ? ` (not: ${accounts
                  .filter((a) => !a.manage)
                  .map(label)
                  .join(', ')})`
              : ''
          }`,
        );
  return { checks: [gettoken, accountsCheck, clock], accounts };
}

function label(a: { openKfId: string; name: string }): string {
  return `${a.name} (${a.openKfId})`;
}

/** The IP WeCom names in a 60020 errmsg (wecom-kf.md §9.22: `from ip: 203.0.113.7`). */
export function ipInErrmsg(errmsg: string): string | undefined {
  return ERRMSG_FROM_IP.exec(errmsg)?.[1];
}

function gettokenFailure(answer: ProbeAnswer, corpId: string, apiBase: string): DoctorCheck {
  const id = 'wecom.gettoken';
  const code = answer.errcode;
  switch (code) {
    case 40013:
      return fail(
        id,
        `gettoken: WeCom does not know the corp id ${corpId} (40013) — WECOM_CORP_ID is wrong`,
        '在「我的企业 → 企业信息」复制「企业ID」（ww 开头），填入 WECOM_CORP_ID',
        'copy 企业ID (it starts with ww) from 我的企业 → 企业信息 into WECOM_CORP_ID',
      );
    case 40001:
      return fail(
        id,
        `gettoken: the corp id is right but WeCom refuses WECOM_SECRET (40001): wrong, reset, or the app is disabled`,
        '在「应用管理 → 自建应用 → 你的应用」重新查看 Secret 填入 WECOM_SECRET，并确认应用已启用',
        'view the Secret again under 应用管理 → 自建应用 → your app, put it in WECOM_SECRET, and make sure the app is enabled',
      );
    case 40091:
      return fail(
        id,
        `gettoken: WECOM_SECRET belongs to another enterprise, not ${corpId} (40091)`,
        'WECOM_CORP_ID 和 WECOM_SECRET 要来自同一个企业：核对两者是否复制自同一个管理后台',
        'WECOM_CORP_ID and WECOM_SECRET must come from the same enterprise: copy both from the same admin console',
      );
    case 60020: {
      const ip = ipInErrmsg(answer.errmsg);
      const seen = ip ?? 'this machine’s public IP';
      return fail(
        id,
        `gettoken: WeCom refuses calls from ${ip ? `IP ${ip}` : 'this machine’s IP'} (60020): it is not in the app’s 企业可信IP`,
        `在「应用管理 → 自建应用 → 你的应用 → 企业可信IP」添加 ${seen}（NAT 后面时是出口 IP），约 1 分钟后生效`,
        `add ${seen} under 应用管理 → 自建应用 → your app → 企业可信IP (behind NAT it is the egress IP); it takes effect after about a minute`,
      );
    }
    case 45009:
      return fail(
        id,
        'gettoken: WeCom blocks this IP for now (45009): too many calls, or too many wrong secrets (blocked for an hour)',
        '修正 WECOM_SECRET 后等待一小时再试；期间不要反复重启',
        'fix WECOM_SECRET, then wait an hour before trying again; do not restart in a loop meanwhile',
      );
    case undefined:
      return fail(
        id,
        `gettoken: ${answer.status === 200 ? 'the answer was not WeCom’s JSON' : `HTTP ${answer.status}`} from ${apiBase}`,
        '检查 WECOM_API_BASE 与出口代理：它应指向 https://qyapi.weixin.qq.com',
        'check WECOM_API_BASE and any egress proxy: it should lead to https://qyapi.weixin.qq.com',
      );
    default:
      return fail(
        id,
        `gettoken: errcode ${code}: ${answer.errmsg}`,
        `查询错误码 ${code}：https://open.work.weixin.qq.com/devtool/query?e=${code}`,
        `look errcode ${code} up at https://open.work.weixin.qq.com/devtool/query?e=${code}`,
      );
  }
}

function accountListFailure(answer: ProbeAnswer): DoctorCheck {
  const id = 'wecom.accounts';
  switch (answer.errcode) {
    case 48002:
      return fail(
        id,
        'kf/account/list: this app may not call 微信客服 APIs (48002)',
        '在「微信客服 → API → 可调用接口的应用」中添加这个自建应用（2023-12-01 后新企业不能用客服系统应用的 Secret）',
        'add this self-built app under 微信客服 → API → 可调用接口的应用 (since 2023-12-01 new enterprises cannot use the 微信客服 system app’s secret)',
      );
    case 95017:
      return fail(
        id,
        'kf/account/list: the 微信客服 API switch is off (95017)',
        '在「微信客服 → API」打开 API 开关并授权这个应用',
        'turn the API switch on under 微信客服 → API and grant it to this app',
      );
    case 60020: {
      const ip = ipInErrmsg(answer.errmsg) ?? 'this machine’s public IP';
      return fail(
        id,
        `kf/account/list: WeCom refuses calls from IP ${ip} (60020)`,
        `在应用的「企业可信IP」添加 ${ip}`,
        `add ${ip} to the app’s 企业可信IP`,
      );
    }
    default:
      return fail(
        id,
        `kf/account/list: errcode ${answer.errcode ?? `none (HTTP ${answer.status})`}: ${answer.errmsg}`,
        `查询错误码：https://open.work.weixin.qq.com/devtool/query?e=${answer.errcode ?? ''}`,
        `look the errcode up at https://open.work.weixin.qq.com/devtool/query?e=${answer.errcode ?? ''}`,
      );
  }
}

function checkClock(skewMs: number | undefined): DoctorCheck {
  if (skewMs === undefined) return skip('clock', 'clock: WeCom’s answer had no Date header to compare with');
  const seconds = Math.round(skewMs / 1000);
  const where = seconds > 0 ? 'behind' : 'ahead of';
  if (Math.abs(skewMs) <= MAX_CLOCK_SKEW_MS) {
    return ok('clock', `clock: within ${Math.max(1, Math.abs(seconds))} s of WeCom’s (Date header)`);
  }
  return fail(
    'clock',
    `clock: this machine is ${Math.abs(seconds)} s ${where} WeCom’s clock (Date header); callbacks are signed with WeCom’s time and welcome codes last 20 s`,
    '开启时间同步：timedatectl set-ntp true（或安装 chrony），然后再运行 kfbot doctor',
    'turn time synchronisation on: timedatectl set-ntp true (or install chrony), then run kfbot doctor again',
  );
}
