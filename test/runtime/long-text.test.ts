/**
 * Texts longer than WeCom's 2048 UTF-8 bytes (wecom-kf.md §5: 45002; §9.10), through the real app
 * (HTTP server, store, client) against the WeCom simulator on loopback, which refuses any text
 * over 2048 bytes with 45002 and counts the 5 messages a customer message allows (95001): what
 * the customer receives is what the tests assert.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { byteLength } from '../../src/wecom/send-limits.ts';
import { ruleDir } from '../rules/helpers.ts';
import { closeAfterEach } from '../support/close-after-each.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { type OrderBackend, startOrderBackend } from '../support/order-backend.ts';
import { lastWarnings, until } from '../support/until.ts';

const closing = closeAfterEach();

/** A paragraph of 27 sentences, 1,620 bytes. */
const PARAGRAPH = '本店支持七天无理由退货，请保持商品完好。'.repeat(27);
/** A return policy of 4,864 bytes: three paragraphs, more than two messages hold. */
const POLICY = [PARAGRAPH, PARAGRAPH, PARAGRAPH].join('\n\n');
/** The same as a YAML block scalar. */
const block = (text: string, indent: string) =>
  `|-\n${text
    .split('\n')
    .map((l) => (l ? `${indent}${l}` : ''))
    .join('\n')}`;

async function start(
  rulesYaml: string,
): Promise<{ sim: WeComSimulator; bot: InProcessKfbot; backend: OrderBackend }> {
  const backend = closing(await startOrderBackend());
  const sim = closing(await startSimulator());
  const rules = rulesYaml.replaceAll('PORT', String(backend.port));
  const bot = closing(await startInProcess(sim, { config: { rules: ruleDir({ 'rules.yaml': rules }) } }));
  return { sim, bot, backend };
}

async function handled(bot: InProcessKfbot, msgid: string): Promise<void> {
  await until(
    async () => {
      const r = await bot.app.store.getMessage(msgid);
      return r?.status === 'done' || r?.status === 'skipped';
    },
    `msgid ${msgid} handled`,
    15_000,
    () => lastWarnings(bot.lines),
  );
  await bot.app.work.idle();
}

/** The texts the customer received, in order. */
const texts = (sim: WeComSimulator, customer: string) =>
  sim.sent(sim.openKfId, customer).map((m) => (m.content.text as { content: string }).content);

/** The errcodes the simulator answered kf/send_msg with: a text over 2048 bytes would be 45002. */
const sendErrcodes = (sim: WeComSimulator) =>
  sim.requests.byApi('kf/send_msg').map((r) => (r.response as { errcode?: number } | undefined)?.errcode);

const RULES = `settings:
  calls: { allow: ["127.0.0.1:PORT"], timeout: 5s }
rules:
  - name: 退货政策
    when: { text: { any: [退货] } }
    then:
      - reply: ${block(POLICY, '          ')}
  - name: 四条回复之后
    when: { text: { any: [全部] } }
    then:
      - reply: 第一条
      - reply: 第二条
      - reply: 第三条
      - reply: ${block(POLICY, '          ')}
  - name: 订单详情
    when: { text: { regex: '^订单(?<order>\\d{12})$' } }
    then:
      - call:
          name: order_detail
          url: http://127.0.0.1:PORT/orders/{{match.order}}
          save: { items: data.items, tracking: data.tracking, notes: data.notes }
          on_error: [ { reply: 查询失败 } ]
      - reply: "订单{{match.order}}\\n\\n商品：{{var.items}}\\n\\n物流：{{var.tracking}}\\n\\n备注：{{var.notes}}"
  - name: 欢迎语
    when: { kind: enter_session }
    then:
      - welcome: ${block(`{{nickname}}，您好！\n\n${PARAGRAPH}`, '          ')}
`;

describe('a reply longer than 2048 bytes reaches the customer as consecutive messages', () => {
  it('sends a rule’s 4,864-byte reply as 3 messages, in order, each within 2048 bytes, that together are the text', async () => {
    const { sim, bot } = await start(RULES);
    const asked = sim.customerSays({ text: '退货怎么办' });
    const customer = asked.external_userid as string;
    await handled(bot, asked.msgid);
    const got = texts(sim, customer);
    expect(got).toHaveLength(3);
    for (const t of got) expect(byteLength(t)).toBeLessThanOrEqual(2048);
    expect(got.join('')).toBe(POLICY);
    // Each part its own send with its own client msgid; none refused by the simulator.
    const ids = sim.sent(sim.openKfId, customer).map((m) => m.msgid);
    expect(new Set(ids).size).toBe(3);
    expect(sendErrcodes(sim)).toEqual([0, 0, 0]);
    expect(bot.logs().map((l) => l.msg)).toContain(
      'reply of rule "退货政策" is 4864 bytes, over the 2048 WeCom takes in one message: sent as 3 messages, 3 of the 5 WeCom allows per customer message',
    );
  });

  it('splits what a lookup brought into a reply, the same way', async () => {
    const { sim, bot, backend } = await start(RULES);
    const items = '儿童羽绒服（红色，120码）一件；'.repeat(28).slice(0, 480);
    const tracking = '已到达【上海浦东转运中心】，正在发往下一站。'.repeat(22).slice(0, 480);
    const notes = '请在收货后七天内检查商品，如有质量问题请联系客服。'.repeat(20).slice(0, 480);
    backend.behave(() => ({ json: { data: { items, tracking, notes } } }));
    const asked = sim.customerSays({ text: '订单202612070001' });
    const customer = asked.external_userid as string;
    await handled(bot, asked.msgid);
    const reply = `订单202612070001\n\n商品：${items}\n\n物流：${tracking}\n\n备注：${notes}`;
    expect(byteLength(reply)).toBeGreaterThan(4096);
    const got = texts(sim, customer);
    expect(got).toHaveLength(3);
    for (const t of got) expect(byteLength(t)).toBeLessThanOrEqual(2048);
    expect(got.join('')).toBe(reply);
    expect(backend.seen).toHaveLength(1);
  });

  it('spends one of the 5 messages per part: what fits is sent, the last ending with …, and the log says what was cut', async () => {
    const { sim, bot } = await start(RULES);
    const asked = sim.customerSays({ text: '全部告诉我' });
    const customer = asked.external_userid as string;
    await handled(bot, asked.msgid);
    const got = texts(sim, customer);
    // 3 short replies and 2 of the policy's 3 parts: the 5 WeCom allows, and never a 95001.
    expect(got).toHaveLength(5);
    expect(got.slice(0, 3)).toEqual(['第一条', '第二条', '第三条']);
    expect(got[3]).toBe(`${PARAGRAPH}\n\n`);
    expect(got[4]).toBe(`${PARAGRAPH}…`);
    expect(sendErrcodes(sim)).toEqual([0, 0, 0, 0, 0]);
    const warning = bot
      .logs()
      .find((l) => l.level === 40 && String(l.msg).startsWith('reply of rule "四条回复之后" dropped'));
    expect(warning?.msg).toBe(
      'reply of rule "四条回复之后" dropped: the 5-message quota for this customer message is used up; WeCom would refuse with 95001; its 4864-byte text went out as 2 of the 3 messages it was split into, the last ending with "…"; message 3 (1620 bytes) not sent',
    );
  });
});

describe('a welcome longer than 2048 bytes: one code, one message (§6)', () => {
  it('delivers it cut to 2048 bytes ending with …, and warns naming the rule', async () => {
    const { sim, bot } = await start(RULES);
    // A nickname long enough to push the welcome over 2048 bytes.
    const nickname = '小'.repeat(150);
    sim.addCustomer({ externalUserId: 'wmLongName', nickname });
    const entered = sim.customerEnters({ externalUserId: 'wmLongName' });
    await handled(bot, entered.msgid);
    const [welcome] = sim.sent(sim.openKfId, 'wmLongName');
    expect(welcome).toMatchObject({ api: 'kf/send_msg_on_event' });
    const content = (welcome?.content.text as { content: string } | undefined)?.content ?? '';
    expect(byteLength(content)).toBeLessThanOrEqual(2048);
    expect(content.startsWith(`${nickname}，您好！\n\n本店支持`)).toBe(true);
    expect(content.endsWith('。…')).toBe(true);
    const warning = bot.logs().find((l) => l.level === 40 && String(l.msg).includes('欢迎语 (welcome:)'));
    expect(warning).toMatchObject({
      rule: '欢迎语',
      bytes: byteLength(`${nickname}，您好！\n\n${PARAGRAPH}`),
    });
    expect(warning?.msg).toContain(
      `of rule "欢迎语" is ${byteLength(`${nickname}，您好！\n\n${PARAGRAPH}`)} bytes`,
    );
    expect(warning?.msg).toContain('sent cut to 2048 bytes ending with "…"');
  });
});
