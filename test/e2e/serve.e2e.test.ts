import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { CallbackCodec } from '../../src/wecom/callback-codec.ts';
import { expectNoSecrets } from '../support/secrets.ts';
import { AES_KEY, type KfbotProcess, serveForSimulator, storeDir, TOKEN, waitFor } from './kfbot-process.ts';

const RULES = 'test/e2e/rules';
let sim: WeComSimulator;
let bot: KfbotProcess;
let dir: string;

const startBot = (): Promise<KfbotProcess> => serveForSimulator(sim, { store: dir, rules: RULES });

const sentTo = (customer: string) => sim.sent(sim.openKfId, customer);
const texts = (customer: string) => sentTo(customer).map((m) => JSON.stringify(m.content));
const customerOf = (item: { external_userid?: string; event?: { external_userid?: string } }) =>
  (item.external_userid ?? item.event?.external_userid) as string;

async function enteredCustomer(): Promise<string> {
  const customer = customerOf(sim.customerEnters());
  await waitFor(() => sentTo(customer).length === 1, 'the welcome');
  return customer;
}

beforeEach(async () => {
  sim = await startSimulator();
  dir = storeDir();
  bot = await startBot();
});

afterEach(async () => {
  if (bot && sim) expectNoSecrets(bot.lines, sim, [TOKEN, AES_KEY]);
  await bot?.stop('SIGKILL');
  await sim?.close();
});

describe('the three jobs', () => {
  it('welcomes a customer who opens the chat, with the welcome_code', async () => {
    const customer = customerOf(sim.customerEnters({ scene: 'ad' }));
    await waitFor(() => sentTo(customer).length === 1, 'the welcome');
    expect(sentTo(customer)[0]).toMatchObject({
      api: 'kf/send_msg_on_event',
      codeKind: 'welcome',
      msgtype: 'msgmenu',
    });
  });

  it('answers a menu click and a keyword', async () => {
    const customer = await enteredCustomer();
    sim.customerClicksMenu({ externalUserId: customer, id: 'hours' });
    await waitFor(() => sentTo(customer).length === 2, 'the menu answer');
    expect(texts(customer)[1]).toContain('每天 9:00-21:00');
    sim.customerSays({ externalUserId: customer, text: 'echo 你好' });
    await waitFor(() => sentTo(customer).length === 3, 'the keyword answer');
    expect(texts(customer)[2]).toContain('收到：echo 你好');
  });

  it('falls back, then hands the customer to a human on the second miss', async () => {
    const customer = await enteredCustomer();
    sim.customerSays({ externalUserId: customer, text: '天气如何' });
    await waitFor(() => sentTo(customer).length === 2, 'the fallback');
    sim.customerSays({ externalUserId: customer, text: '还是不懂' });
    await waitFor(() => sentTo(customer).length === 3, 'the queue notice');
    expect(sentTo(customer)[2]).toMatchObject({ api: 'kf/send_msg_on_event', codeKind: 'queue' });
    expect(sim.session({ externalUserId: customer }).state).toBe(2);
  });

  it('sends the closing remark with the msg_code when a servicer ends the session', async () => {
    const customer = await enteredCustomer();
    sim.customerSays({ externalUserId: customer, text: 'echo hi' });
    await waitFor(() => sentTo(customer).length === 2, 'the answer');
    sim.servicerEnds({ externalUserId: customer });
    await waitFor(() => sentTo(customer).length === 3, 'the closing remark');
    expect(sentTo(customer)[2]).toMatchObject({ api: 'kf/send_msg_on_event', codeKind: 'closing' });
    expect(texts(customer)[2]).toContain('感谢咨询');
  });
});

describe('exactly once', () => {
  it('answers once when the same callback arrives three times and the messages are pulled again', async () => {
    const customer = await enteredCustomer();
    sim.customerSays({ externalUserId: customer, text: 'echo 一' });
    await waitFor(() => sentTo(customer).length === 2, 'the answer');
    await sim.callbacks.idle();
    const token = sim.callbacks.deliveries.at(-1)?.token;
    if (!token) throw new Error('no callback delivered');
    // The very callback WeCom sent, sent again three times (as WeCom does when an answer is late).
    const codec = new CallbackCodec({ token: TOKEN, encodingAesKey: AES_KEY, corpId: sim.corpId });
    const sealed = codec.sealNotice({
      event: 'kf_msg_or_event',
      msgType: 'event',
      toUserName: sim.corpId,
      createTime: Math.floor(Date.now() / 1000),
      token,
      openKfId: sim.openKfId,
    });
    for (let i = 0; i < 3; i++) {
      const res = await request(`${bot.url}/callback?${new URLSearchParams(sealed.query)}`, {
        method: 'POST',
        body: sealed.body,
      });
      expect(res.statusCode).toBe(200);
      await res.body.text();
    }
    // Lose the cursor as if the store had been rolled back: WeCom replays 3 days of messages.
    const db = new Database(join(dir, 'kfbot.db'));
    db.prepare('DELETE FROM cursors').run();
    db.close();
    sim.customerSays({ externalUserId: customer, text: 'echo 二' });
    await waitFor(() => sentTo(customer).length === 3, 'the second answer');
    await new Promise((r) => setTimeout(r, 300));
    expect(texts(customer).filter((t) => t.includes('echo 一'))).toHaveLength(1);
    expect(texts(customer).filter((t) => t.includes('echo 二'))).toHaveLength(1);
    expect(sentTo(customer)).toHaveLength(3);
  });

  it('answers every message exactly once across a SIGKILL in the middle of a batch', async () => {
    // 10 customers write 3 messages each (WeCom allows 5 replies after a customer's newest message).
    const customers = await Promise.all(Array.from({ length: 10 }, () => enteredCustomer()));
    const said: string[] = [];
    for (let i = 0; i < 30; i++) {
      const text = `echo 第${i}条`;
      said.push(text);
      sim.customerSays({ externalUserId: customers[i % 10] as string, text });
    }
    await waitFor(() => sim.sent().length >= 10 + 8, 'the batch to be partly answered');
    bot.child.kill('SIGKILL');
    await bot.exited;
    bot = await startBot();
    await waitFor(() => sim.sent().length === 10 + 30, 'every message answered', 15_000).catch(
      (err: Error) => {
        throw new Error(
          `${err.message}: ${sim.sent().length - 10} of 30 answered; kfbot said ${JSON.stringify(bot.logs.filter((l) => Number(l.level) >= 40))}`,
        );
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    const all = sim.sent().map((m) => JSON.stringify(m.content));
    for (const text of said) expect(all.filter((t) => t.includes(`收到：${text}"`))).toHaveLength(1);
    // Per customer, in the order they wrote.
    for (const [k, c] of customers.entries()) {
      const mine = texts(c)
        .slice(1)
        .map((t) => /第(\d+)条/.exec(t)?.[1]);
      expect(mine).toEqual(said.map((_, i) => String(i)).filter((i) => Number(i) % 10 === k));
    }
  });

  it('pulls after a restart when it crashed between acknowledging a callback and pulling', async () => {
    const customer = await enteredCustomer();
    sim.faults.inject({ api: 'kf/sync_msg', delayMs: 60_000 });
    sim.customerSays({ externalUserId: customer, text: 'echo 崩溃前' });
    await waitFor(
      () => sim.requests.byApi('kf/sync_msg').some((r) => r.outcome === 'pending'),
      'the pull to start',
    );
    expect(sim.callbacks.deliveries.at(-1)?.attempts.at(-1)?.status).toBe(200);
    bot.child.kill('SIGKILL');
    await bot.exited;
    sim.callbacks.configure(undefined); // WeCom will not call again: the callback was acknowledged
    sim.faults.clear();
    bot = await startBot();
    await waitFor(() => sentTo(customer).length === 2, 'the answer after the restart');
    expect(texts(customer)[1]).toContain('收到：echo 崩溃前');
  });
});

describe('platform guards', () => {
  it('never answers a servicer, nor a customer a human is serving', async () => {
    const customer = await enteredCustomer();
    sim.servicerSays({ externalUserId: customer, text: '您好，我是张三' });
    await sim.callbacks.idle();
    sim.customerSays({ externalUserId: customer, text: 'echo 在吗' });
    await sim.callbacks.idle();
    await waitFor(async () => {
      const m = await (await request(`${bot.url}/metrics`)).body.text();
      return /kfbot_messages_total\{kind="text",outcome="answered"\} 1/.test(m);
    }, 'the customer message to be handled');
    expect(sentTo(customer)).toHaveLength(1);
    expect(sim.requests.byApi('kf/send_msg')).toHaveLength(0);
  });
});

describe('operations', () => {
  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await request(`${bot.url}/healthz`)).statusCode).toBe(200);
    const ready = await request(`${bot.url}/readyz`);
    expect(ready.statusCode).toBe(200);
    expect(await ready.body.json()).toMatchObject({
      ready: true,
      store: 'ok',
      rulesVersion: 1,
      // As `kfbot validate test/e2e/rules` counts them: 6 rules, 1 menu with 2 click answers.
      rules: 6,
      menus: 1,
      clickAnswers: 2,
    });
    const customer = await enteredCustomer();
    expect(customer).toBeTruthy();
    const metrics = await (await request(`${bot.url}/metrics`)).body.text();
    expect(metrics).toContain('kfbot_callbacks_total{result="accepted"}');
    expect(metrics).toContain('kfbot_rule_hits_total{rule="欢迎语"} 1');
    expect(metrics).toContain('kfbot_sends_total{api="kf/send_msg_on_event",errcode="0"} 1');
    expect(metrics).toContain('kfbot_decision_duration_seconds_bucket');
  });

  it('refuses a forged callback with 401 and pulls nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await request(`${bot.url}/callback?msg_signature=bad&timestamp=${now}&nonce=2`, {
      method: 'POST',
      body: '<xml><ToUserName><![CDATA[x]]></ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xml>',
    });
    expect(res.statusCode).toBe(401);
    expect(await res.body.text()).toContain('BAD_SIGNATURE');
    expect(sim.requests.byApi('kf/sync_msg')).toHaveLength(0);
  });

  it('answers WeCom’s URL verification with the exact echostr', async () => {
    const result = await sim.verifyUrl();
    expect(result.ok).toBe(true);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    expect(await bot.stop('SIGTERM')).toBe(0);
    expect(bot.logs.map((l) => l.msg)).toContain('stopped');
  });
});

describe('rules hot reload', () => {
  it('uses edited rules for the next message, and keeps the old ones when the edit is invalid', async () => {
    const rulesDir = storeDir();
    const file = join(rulesDir, 'rules.yaml');
    const write = (reply: string) =>
      writeFileSync(
        file,
        `rules:\n  - { name: 问候, when: { text: { any: [你好] } }, then: [ { reply: "${reply}" } ] }\n`,
      );
    write('版本一');
    await bot.stop('SIGKILL');
    bot = await serveForSimulator(sim, { store: dir, rules: rulesDir });
    const customer = customerOf(sim.customerSays({ text: '你好' }));
    await waitFor(() => sentTo(customer).length === 1, 'the first answer');
    write('版本二');
    await waitFor(() => bot.logs.some((l) => l.version === 2), 'the reload');
    sim.customerSays({ externalUserId: customer, text: '你好' });
    await waitFor(() => sentTo(customer).length === 2, 'the second answer');
    expect(texts(customer)[1]).toContain('版本二');

    writeFileSync(file, 'rules:\n  - { name: 坏的, when: { txt: 你好 }, then: [ { reply: x } ] }\n');
    await waitFor(
      () => bot.logs.some((l) => String(l.msg).includes('still serving the previous rules')),
      'the refusal',
    );
    expect(bot.logs.some((l) => String(l.msg).includes('rules.yaml:2:25: error: unknown fact "txt"'))).toBe(
      true,
    );
    sim.customerSays({ externalUserId: customer, text: '你好' });
    await waitFor(() => sentTo(customer).length === 3, 'the third answer');
    expect(texts(customer)[2]).toContain('版本二');
  });

  it('survives a media path naming a folder and a rule file linking nowhere, and keeps serving', async () => {
    const rulesDir = storeDir();
    writeFileSync(
      join(rulesDir, 'rules.yaml'),
      'rules:\n  - { name: 问候, when: { text: { any: [你好] } }, then: [ { reply: 老规则 } ] }\n',
    );
    await bot.stop('SIGKILL');
    bot = await serveForSimulator(sim, { store: dir, rules: rulesDir });
    const refusals = () =>
      bot.logs.filter((l) => String(l.msg).includes('still serving the previous rules')).length;

    mkdirSync(join(rulesDir, 'media'));
    writeFileSync(
      join(rulesDir, 'd.yaml'),
      'rules:\n  - name: d\n    when: { text: d }\n    then: [ { reply: { image: { file: media } } } ]\n',
    );
    await waitFor(() => refusals() >= 1, 'the refusal of the folder media');
    expect(
      bot.logs.some((l) => String(l.msg).includes('media file "media" cannot be read: it is a folder')),
    ).toBe(true);
    rmSync(join(rulesDir, 'd.yaml'));
    symlinkSync(join(rulesDir, 'nowhere.yaml'), join(rulesDir, 'e.yaml'));
    await waitFor(
      () => bot.logs.some((l) => String(l.msg).includes('e.yaml:1:1: error: cannot read')),
      'the refusal of the link',
    );

    const customer = customerOf(sim.customerSays({ text: '你好' }));
    await waitFor(() => sentTo(customer).length === 1, 'the answer by the old rules');
    expect(texts(customer)[0]).toContain('老规则');
    expect(bot.child.exitCode).toBeNull();
  });
});

describe('send failures', () => {
  it('logs a msg_send_fail with the rule whose reply failed', async () => {
    const customer = await enteredCustomer();
    sim.customerSays({ externalUserId: customer, text: 'echo 你好' });
    await waitFor(() => sentTo(customer).length === 2, 'the answer');
    sim.sendFailure({ msgid: sentTo(customer)[1]?.msgid as string, failType: 10 });
    await waitFor(() => bot.logs.some((l) => l.fail_type === 10), 'the failure to be logged');
    const line = bot.logs.find((l) => l.fail_type === 10);
    expect(line).toMatchObject({ rule: '复述', reason: 'user rejected messages' });
    expect(String(line?.msg)).toContain('a reply of rule "复述" did not reach the customer');
  });
});
