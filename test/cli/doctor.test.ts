/**
 * `kfbot doctor` against the WeCom simulator made to answer each go-live failure (wecom-kf.md §1,
 * §7.3, §8, §9.22): one ✗ line naming what is wrong and where to fix it, exit 1; all ✓, exit 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ManualClock,
  type SimulatorOptions,
  startSimulator,
  type WeComSimulator,
} from '../../src/simulator/index.ts';
import { AES_KEY, type InProcessKfbot, startInProcess, TOKEN } from '../support/in-process-kfbot.ts';
import { runInProcess } from './run-cli.ts';

const TEST_REDIS = new URL(process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15');

let dir: string;
const sims: WeComSimulator[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kfbot-doctor-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function simulator(opts: SimulatorOptions = {}): Promise<WeComSimulator> {
  const sim = await startSimulator({
    accounts: [
      { name: '售前咨询', openKfId: 'wkPRESALES' },
      { name: '售后服务', openKfId: 'wkAFTERSALES' },
    ],
    ...opts,
  });
  sims.push(sim);
  return sim;
}

function envFor(sim: WeComSimulator, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    WECOM_CORP_ID: sim.corpId,
    WECOM_SECRET: sim.secret,
    WECOM_TOKEN: TOKEN,
    WECOM_ENCODING_AES_KEY: AES_KEY,
    WECOM_API_BASE: sim.url,
    KFBOT_RULES: 'rules',
    KFBOT_STORE: `sqlite:${join(dir, 'data', 'kfbot.db')}`,
    ...extra,
  };
}

const doctor = (env: NodeJS.ProcessEnv, ...args: string[]) => runInProcess(['doctor', ...args], env);

/** The ✗ lines and the fix lines under them. */
const failures = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('✗'));

describe('kfbot doctor', () => {
  it('passes every check against a well-set-up corp, including the callback URL answered by kfbot serve', async () => {
    const sim = await simulator();
    let kfbot: InProcessKfbot | undefined;
    try {
      kfbot = await startInProcess(sim);
      const r = await doctor(envFor(sim), '--callback-url', `${kfbot.app.url}/callback`);
      expect(failures(r.stdout)).toEqual([]);
      expect(r.stdout).toContain(`✓ gettoken: WeCom accepts WECOM_CORP_ID ${sim.corpId} and WECOM_SECRET`);
      expect(r.stdout).toContain(
        '✓ kf accounts the app manages: 售前咨询 (wkPRESALES), 售后服务 (wkAFTERSALES)',
      );
      expect(r.stdout).toContain('✓ rules: no rule names an open_kfid, so the rules answer on every account');
      // The rules counted as kfbot validate counts them (not menu answers added to the rules).
      const validated = /: \d+ files?, (.*)$/m.exec(
        (await runInProcess(['validate', 'rules'], {})).stdout,
      )?.[1];
      expect(r.stdout).toContain(`✓ rules: rules is valid (${validated})`);
      expect(r.stdout).toMatch(/✓ clock: within \d s of WeCom’s/);
      expect(r.stdout).toMatch(/✓ callback URL: .* answered WeCom’s URL verification correctly/);
      expect(r.stdout).toContain('will be created on first start');
      expect(r.stdout).toMatch(/All \d+ checks passed/);
      expect(r.code).toBe(0);
      // Doctor never prints a credential.
      for (const secret of [sim.secret, TOKEN, AES_KEY, ...sim.world.accessTokens.issued])
        expect(r.stdout).not.toContain(secret);
    } finally {
      await kfbot?.close();
    }
  });

  it('names a wrong corp id (40013) and tells where 企业ID is', async () => {
    const sim = await simulator();
    const r = await doctor(envFor(sim, { WECOM_CORP_ID: 'ww0000000000wrong' }));
    expect(failures(r.stdout)).toEqual([
      '✗ gettoken: WeCom does not know the corp id ww0000000000wrong (40013) — WECOM_CORP_ID is wrong',
    ]);
    expect(r.stdout).toContain('修复: 在「我的企业 → 企业信息」复制「企业ID」');
    expect(r.stdout).toContain('– kf accounts: not checked (no access token)');
    expect(r.code).toBe(1);
  });

  it('names a wrong secret (40001) once the corp id is right', async () => {
    const sim = await simulator();
    const r = await doctor(envFor(sim, { WECOM_SECRET: 'NotTheSecretOfThisApp' }));
    expect(failures(r.stdout)).toEqual([
      '✗ gettoken: the corp id is right but WeCom refuses WECOM_SECRET (40001): wrong, reset, or the app is disabled',
    ]);
    expect(r.code).toBe(1);
  });

  it('names the IP WeCom saw when it is not in 企业可信IP (60020)', async () => {
    const sim = await simulator({ settings: { trustedIps: ['203.0.113.7'] } });
    const r = await doctor(envFor(sim));
    expect(failures(r.stdout)).toEqual([
      '✗ gettoken: WeCom refuses calls from IP 127.0.0.1 (60020): it is not in the app’s 企业可信IP',
    ]);
    expect(r.stdout).toContain('修复: 在「应用管理 → 自建应用 → 你的应用 → 企业可信IP」添加 127.0.0.1');
    expect(r.stdout).toContain('fix:  add 127.0.0.1 under 应用管理 → 自建应用 → your app → 企业可信IP');
    expect(r.code).toBe(1);
  });

  it('says when the app is not among 可调用接口的应用 (48002)', async () => {
    const sim = await simulator({ otherSecrets: ['SecretOfAnotherApp'] });
    const r = await doctor(envFor(sim, { WECOM_SECRET: 'SecretOfAnotherApp' }));
    expect(failures(r.stdout)).toEqual(['✗ kf/account/list: this app may not call 微信客服 APIs (48002)']);
    expect(r.stdout).toContain('微信客服 → API → 可调用接口的应用');
    expect(r.code).toBe(1);
  });

  it('says when no 客服账号 is delegated to the app', async () => {
    const sim = await simulator({
      accounts: [{ name: '售前咨询', openKfId: 'wkPRESALES', managePrivilege: false }],
    });
    const r = await doctor(envFor(sim));
    expect(failures(r.stdout)).toEqual([
      '✗ kf accounts: none of 售前咨询 (wkPRESALES) may be managed by this app',
    ]);
    expect(r.stdout).toContain('通过API管理微信客服账号');
  });

  it('shows which accounts the rules scope to, and fails a scope to an account the app does not manage', async () => {
    const sim = await simulator();
    const rules = join(dir, 'scoped.yaml');
    writeFileSync(
      rules,
      [
        'rules:',
        '  - name: 售前问候',
        '    when: { open_kfid: wkPRESALES, text: { any: [价格] } }',
        '    then: [ { reply: 请看价目表 } ]',
        '  - name: 旧账号',
        '    when: { open_kfid: [wkAFTERSALES, wkGONE] }',
        '    then: [ { reply: 您好 } ]',
        '',
      ].join('\n'),
    );
    const r = await doctor(envFor(sim, { KFBOT_RULES: rules }));
    expect(failures(r.stdout)).toEqual([
      '✗ rules: wkGONE (rule 旧账号) is not an account this app manages, so that rule never answers',
    ]);
    writeFileSync(
      rules,
      'rules:\n  - name: 售前问候\n    when: { open_kfid: wkPRESALES }\n    then: [ { reply: 您好 } ]\n',
    );
    const fixed = await doctor(envFor(sim, { KFBOT_RULES: rules }));
    expect(fixed.stdout).toContain('✓ rules scope to 售前咨询 (wkPRESALES): 售前问候');
    expect(fixed.code).toBe(0);
  });

  it('fails when this machine’s clock is minutes away from WeCom’s Date header', async () => {
    const clock = new ManualClock(Date.now() + 120_000);
    const sim = await simulator({ clock });
    const r = await doctor(envFor(sim));
    const [line] = failures(r.stdout);
    expect(line).toMatch(/^✗ clock: this machine is 1(19|20|21) s behind WeCom’s clock \(Date header\)/);
    expect(r.stdout).toContain('timedatectl set-ntp true');
    expect(r.code).toBe(1);
  });

  it('names a malformed Token and EncodingAESKey without printing them, and skips the calls that need them', async () => {
    const sim = await simulator();
    const r = await doctor(
      envFor(sim, { WECOM_TOKEN: 'tok-en', WECOM_ENCODING_AES_KEY: `${AES_KEY.slice(0, 41)}/` }),
    );
    expect(failures(r.stdout)).toEqual([
      '✗ WECOM_TOKEN must be the 1-32 letters and digits set as the callback Token',
      '✗ WECOM_ENCODING_AES_KEY may only hold letters and digits, but it has "/"; copy the EncodingAESKey again from the 接收消息 page',
    ]);
    expect(r.stdout).toContain('– WeCom: not checked until the settings above are fixed');
    expect(r.stdout).not.toContain(AES_KEY.slice(0, 41));
    expect(r.code).toBe(1);
  });

  it('says the sandbox would start when no credential is set', async () => {
    const r = await doctor({ KFBOT_RULES: 'rules' });
    expect(failures(r.stdout)).toEqual([
      '✗ no WECOM_* credential is set: kfbot serve would start the sandbox, not connect to WeCom',
    ]);
    expect(r.code).toBe(1);
  });

  it('says when the WeCom API cannot be reached at all', async () => {
    const sim = await simulator();
    const r = await doctor(envFor(sim, { WECOM_API_BASE: 'http://127.0.0.1:9' }));
    expect(failures(r.stdout)).toEqual([
      '✗ cannot reach the WeCom API at http://127.0.0.1:9: connection refused: nothing listens on that address and port',
    ]);
  });

  it('checks a Redis store: version, role, and persistence off is a failure', async () => {
    const sim = await simulator();
    const r = await doctor(envFor(sim, { KFBOT_STORE: TEST_REDIS.href }));
    expect(r.stdout).toMatch(/✓ store: Redis \d+\.\d+\.\d+ at .* is reachable/);
    expect(r.stdout).toContain('✓ store: Redis is a primary (kfbot can write)');
    // The test Redis runs with --appendonly no.
    expect(failures(r.stdout)).toEqual([
      '✗ store: Redis persistence is off (appendonly no): a Redis restart would forget what was answered, and customers would be answered again',
    ]);
    const down = await doctor(envFor(sim, { KFBOT_STORE: 'redis://127.0.0.1:9/0' }));
    expect(failures(down.stdout)[0]).toMatch(/^✗ store: cannot use Redis at 127\.0\.0\.1:9\/0 \(/);
  });

  it('fails a SQLite store kfbot could not write', async () => {
    const sim = await simulator();
    const r = await doctor(envFor(sim, { KFBOT_STORE: 'sqlite:/proc/kfbot/kfbot.db' }));
    expect(failures(r.stdout)).toEqual([
      '✗ store: kfbot cannot write the SQLite store at /proc/kfbot/kfbot.db (no such folder, and it cannot be created)',
    ]);
  });

  it('refuses a callback URL that is not a URL, and a --ca file it cannot read, in one line', async () => {
    const sim = await simulator();
    const bad = await doctor(envFor(sim), '--callback-url', 'kf.example.com/callback');
    expect(bad.stderr.split('\n')[0]).toBe(
      'kfbot doctor: --callback-url "kf.example.com/callback" is not an http(s) URL; give the URL set in WeCom, e.g. https://kf.example.com/callback',
    );
    expect(bad.code).toBe(2);
    const ca = await doctor(
      envFor(sim),
      '--callback-url',
      'https://127.0.0.1:9/callback',
      '--ca',
      'no-such-ca.pem',
    );
    expect(ca.stderr).toMatch(/^kfbot doctor: cannot read --ca file "no-such-ca.pem": /);
    expect(ca.code).toBe(1);
  });

  it('prints the checks as JSON with --json', async () => {
    const sim = await simulator();
    const r = await doctor(envFor(sim, { WECOM_SECRET: 'wrong' }), '--json');
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: { id: string; status: string; fix?: object }[];
    };
    expect(out.ok).toBe(false);
    const gettoken = out.checks.find((c) => c.id === 'wecom.gettoken');
    expect(gettoken).toMatchObject({
      status: 'fail',
      fix: { zh: expect.any(String), en: expect.any(String) },
    });
    expect(r.code).toBe(1);
  });
});
