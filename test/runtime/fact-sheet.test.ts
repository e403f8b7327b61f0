/**
 * kfbot against the platform fact sheet (shared/wecom-kf.md), point by point where an outside
 * reader of the sheet would expect something kfbot did not do: each test quotes the sheet, runs
 * the real app (HTTP server, store, client) against the WeCom simulator on loopback, and asserts
 * what the customer receives.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { ruleDir } from '../rules/helpers.ts';
import { closeAfterEach } from '../support/close-after-each.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

const closing = closeAfterEach();

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function start(
  rulesYaml: string,
  files: Record<string, Buffer> = {},
): Promise<{ sim: WeComSimulator; bot: InProcessKfbot }> {
  const sim = closing(await startSimulator());
  const bot = closing(
    await startInProcess(sim, { config: { rules: ruleDir({ 'rules.yaml': rulesYaml, ...files }) } }),
  );
  return { sim, bot };
}

/** Waits until kfbot has recorded an outcome for the item with this msgid. */
async function handled(b: InProcessKfbot, msgid: string): Promise<void> {
  await until(async () => {
    const r = await b.app.store.getMessage(msgid);
    return r?.status === 'done' || r?.status === 'skipped';
  }, `msgid ${msgid} handled`);
  await b.app.work.idle();
}

const texts = (s: WeComSimulator, externalUserId: string) =>
  s.sent(s.openKfId, externalUserId).map((m) => JSON.stringify(m.content));

describe('§9.6 "Reply only to origin === 3"', () => {
  const RULES = `
rules:
  - name: 价格
    when: { text: { any: [价格] } }
    then: [ { reply: 99元 } ]
`;

  it('does not answer a text item whose origin is not 3 (the customer)', async () => {
    const { sim: s, bot: b } = await start(RULES);
    const first = s.customerSays({ text: '价格' });
    const customer = first.external_userid as string;
    await handled(b, first.msgid);
    expect(s.sent(s.openKfId, customer)).toHaveLength(1);
    // The same words, but not from the customer: a system-pushed (4) item and an origin this
    // version does not know. Neither is "a WeChat customer sent it" (§4.1).
    for (const origin of [4, 6]) {
      const msgid = `not_customer_${origin}`;
      s.world.append(s.openKfId, {
        msgid,
        open_kfid: s.openKfId,
        external_userid: customer,
        send_time: s.world.seconds(),
        origin: origin as 4,
        msgtype: 'text',
        text: { content: '价格' },
      });
      await handled(b, msgid);
      expect((await b.app.store.getMessage(msgid))?.status).toBe('skipped');
    }
    expect(texts(s, customer)).toHaveLength(1);
  });

  it('answers a text item that carries no origin at all as the customer’s (WeCom always sends one; a hand-written item may not)', async () => {
    const { sim: s, bot: b } = await start(RULES);
    const first = s.customerSays({ text: '你好' });
    const customer = first.external_userid as string;
    await handled(b, first.msgid);
    s.world.append(s.openKfId, {
      msgid: 'no_origin',
      open_kfid: s.openKfId,
      external_userid: customer,
      send_time: s.world.seconds(),
      msgtype: 'text',
      text: { content: '价格' },
    } as unknown as Parameters<typeof s.world.append>[1]);
    await handled(b, 'no_origin');
    expect((await b.app.store.getMessage('no_origin'))?.status).toBe('done');
    expect(texts(s, customer).some((t) => t.includes('99元'))).toBe(true);
  });
});

describe('§6 "taken from the queue … | 1 | 48 h | text": the reply code of change_type 1 takes text only', () => {
  const RULES = `
menus:
  rate:
    head: 请评价
    items: [ { click: good, label: 满意, reply: 谢谢 } ]
rules:
  - name: 转人工
    when: { text: { any: [人工] } }
    then: [ { transfer: queue } ]
  - name: 接入语
    when: { kind: session_status_change, change_type: from_queue }
    then: [ { closing: { menu: rate } } ]
`;

  it('does not send a menu with the msg_code of a session a servicer took from the queue, and says why', async () => {
    const { sim: s, bot: b } = await start(RULES);
    const asked = s.customerSays({ text: '人工' });
    const customer = asked.external_userid as string;
    await handled(b, asked.msgid);
    expect(s.session({ externalUserId: customer }).state).toBe(2);
    const taken = s.servicerTakes({ externalUserId: customer });
    await handled(b, taken.msgid);
    expect(s.requests.byApi('kf/send_msg_on_event')).toHaveLength(0);
    expect(b.logs().some((l) => typeof l.msg === 'string' && /takes text only/.test(l.msg as string))).toBe(
      true,
    );
  });
});

describe('§5 "content ≤2048 BYTES (UTF-8)" when a placeholder makes a reply too long', () => {
  const RULES = `
rules:
  - name: 复述
    when: { text: { any: [echo] } }
    then: [ { reply: "收到：{{text}}" }, { reply: 好的 } ]
`;

  it('sends the over-long reply as consecutive messages within 2048 bytes, then what follows', async () => {
    const { sim: s, bot: b } = await start(RULES);
    const long = s.customerSays({ text: `echo ${'长'.repeat(700)}` }); // 2114 bytes with 收到：
    const customer = long.external_userid as string;
    await handled(b, long.msgid);
    const got = s.sent(s.openKfId, customer).map((m) => (m.content.text as { content: string }).content);
    expect(got).toHaveLength(3);
    expect(got.slice(0, 2).join('')).toBe(`收到：echo ${'长'.repeat(700)}`);
    for (const t of got) expect(Buffer.byteLength(t)).toBeLessThanOrEqual(2048);
    expect(got[2]).toBe('好的');
    const next = s.customerSays({ externalUserId: customer, text: 'echo 短' });
    await handled(b, next.msgid);
    expect(texts(s, customer).slice(3)).toEqual([
      JSON.stringify({ msgtype: 'text', text: { content: '收到：echo 短' } }),
      JSON.stringify({ msgtype: 'text', text: { content: '好的' } }),
    ]);
  });
});

describe('§8 "40007 invalid media_id (wrong kind, expired after 3 days) | re-upload, then resend"', () => {
  const RULES = `
rules:
  - name: 二维码
    when: { text: { any: [二维码] } }
    then: [ { reply: { image: { file: media/qr.png } } } ]
`;
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(16),
  ]);

  it('uploads the file again and resends the image WeCom refused for its cached media_id', async () => {
    const { sim: s, bot: b } = await start(RULES, { 'media/qr.png': png });
    const ask = (customer?: string) =>
      s.customerSays({ ...(customer && { externalUserId: customer }), text: '二维码' });
    const first = ask();
    const customer = first.external_userid as string;
    await handled(b, first.msgid);
    expect(s.requests.byApi('media/upload')).toHaveLength(1);
    // WeCom no longer honours the id kfbot cached (expired early, or another WeCom issued it).
    s.faults.inject({ api: 'kf/send_msg', errcode: 40007, times: 1 });
    const refused = ask(customer);
    await handled(b, refused.msgid);
    expect(s.requests.byApi('media/upload')).toHaveLength(2);
    const images = () => s.sent(s.openKfId, customer).filter((m) => m.msgtype === 'image');
    expect(images()).toHaveLength(2);
    const [before, after] = images().map((m) => (m.content.image as { media_id: string }).media_id);
    expect(after).not.toBe(before);
    // The new id is cached: the next message sends it without uploading again.
    const again = ask(customer);
    await handled(b, again.msgid);
    expect(s.requests.byApi('media/upload')).toHaveLength(2);
    expect(images()).toHaveLength(3);
  });
});

describe('§9.10 "Handle 95001/95002 as stop sending"', () => {
  const RULES = `
rules:
  - name: 三段
    when: { text: { any: [介绍] } }
    then: [ { reply: 第一段 }, { reply: 第二段 }, { reply: 第三段 } ]
`;

  it.each([95001, 95002])(
    'makes no further send_msg for a message once WeCom answered %s',
    async (errcode) => {
      const { sim: s, bot: b } = await start(RULES);
      s.faults.inject({ api: 'kf/send_msg', errcode, times: 1 });
      const asked = s.customerSays({ text: '介绍' });
      await handled(b, asked.msgid);
      expect(s.requests.byApi('kf/send_msg')).toHaveLength(1);
      expect(s.sent(s.openKfId, asked.external_userid as string)).toHaveLength(0);
    },
  );
});

describe('§1 a token WeCom rejects mid-batch, whose refresh then fails', () => {
  const RULES = `
rules:
  - name: 价格
    when: { text: { any: [价格] } }
    then: [ { reply: 99元 } ]
`;

  it('keeps the reply and sends it once gettoken answers again: a gettoken failure is not a refusal of the reply', async () => {
    const { sim: s, bot: b } = await start(RULES);
    const hello = s.customerSays({ text: '你好' }); // kfbot now holds a token
    await handled(b, hello.msgid);
    // The send's token is rejected (§1: WeCom may invalidate a token early), and the refresh
    // meets 60020 once (the server's IP was briefly not trusted).
    s.faults.inject({ api: 'kf/send_msg', errcode: 40014, times: 1 });
    s.faults.inject({ api: 'gettoken', errcode: 60020, times: 1 });
    const asked = s.customerSays({ externalUserId: hello.external_userid as string, text: '价格' });
    await until(() => s.sent(s.openKfId).length === 1, 'the reply delivered');
    expect(s.sent(s.openKfId)[0]?.content).toEqual({ msgtype: 'text', text: { content: '99元' } });
    await handled(b, asked.msgid);
  });

  it('keeps the reply when the refreshed token is rejected too, and sends it on the next pull', async () => {
    const { sim: s, bot: b } = await start(RULES);
    const hello = s.customerSays({ text: '你好' });
    await handled(b, hello.msgid);
    // Refresh once, then fail the call (§1) — the call, not the customer's reply.
    s.faults.inject({ api: 'kf/send_msg', errcode: 42001, times: 2 });
    const asked = s.customerSays({ externalUserId: hello.external_userid as string, text: '价格' });
    await until(() => s.sent(s.openKfId).length === 1, 'the reply delivered');
    await handled(b, asked.msgid);
    expect(s.requests.byApi('kf/send_msg')).toHaveLength(3);
  });
});
