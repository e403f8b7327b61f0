/**
 * The sandbox loop in a terminal (`kfbot chat`): lines typed are the customer's messages, a number
 * clicks that item of the last menu, and slash commands do what the page's controls do. Output is
 * plain text, so it reads the same in a terminal, a log and a test.
 */
import { createInterface } from 'node:readline';
import { describeFaq } from '../rules/faq-step.ts';
import type { SentMessage, WireItem } from '../simulator/index.ts';
import { isObject, type JsonObject } from '../wecom/json-reader.ts';
import { isCustomerMessage, ORIGIN, serviceStateLabel } from '../wecom/platform-enums.ts';
import { parseAction, performAction, SandboxActionError } from './sandbox-actions.ts';
import type { DecisionSummary, SandboxEvent } from './sandbox-hub.ts';
import type { Sandbox } from './start-sandbox.ts';

export const CHAT_HELP = `Type a message as the customer, or a number to click that menu item.
  /enter [scene] [scene_param]   open the chat (enter_session, with a welcome_code)
  /end                           a servicer ends the session (closing remark)
  /takeover [servicer]           a servicer takes the session from the queue
  /as servicer | /as customer    who your next lines come from
  /explain                       why kfbot answered your last message as it did
  /wait 5m                       skip the sandbox's clock ahead (30s, 5m, 2h, 1h30m): idle rules fire
  /new                           start over as a new customer
  /help, /quit
`;

function payloadOf(msgtype: string, container: JsonObject): JsonObject {
  const p = container[msgtype];
  return isObject(p) ? p : {};
}

/** "12-06 17:45" in the machine's time zone: when the sandbox clock now stands. */
function localTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export class TerminalChat {
  #customer = '';
  #as: 'customer' | 'servicer' = 'customer';
  #menu: string[] = [];
  #lastCustomerMsgid: string | undefined;
  readonly #decisions = new Map<string, DecisionSummary>();
  readonly #openKfId: string;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly write: (text: string) => void,
  ) {
    this.#openKfId = sandbox.sim.openKfId;
  }

  start(): void {
    this.#customer = this.sandbox.hub.newCustomer(this.#openKfId);
    const nickname = this.sandbox.sim.world.customers.get(this.#customer)?.nickname ?? this.#customer;
    this.write(
      `kfbot chat — you are ${nickname}, writing to ${this.sandbox.sim.accounts[0]?.name ?? 'the account'}.\n` +
        `The same conversation on the sandbox page: ${this.sandbox.url}\n${CHAT_HELP}`,
    );
    this.sandbox.hub.subscribe((e) => this.#onEvent(e));
  }

  #onEvent(e: SandboxEvent): void {
    if ('externalUserId' in e && e.externalUserId !== this.#customer) return;
    switch (e.type) {
      case 'sent':
        this.#showSent(e.message);
        break;
      case 'item':
        this.#showItem(e.item);
        break;
      case 'decision':
        this.#decisions.set(e.msgid, e.decision);
        for (const d of e.decision.dropped) this.write(`  ⚠ 未发送 not sent (${d.rule}): ${d.reason}\n`);
        for (const b of e.decision.backendCalls ?? [])
          if (b.outcome) this.write(`  ${describeBackendCall(b)[0]}\n`);
        break;
      default:
        break;
    }
  }

  #showSent(m: SentMessage): void {
    const p = payloadOf(m.msgtype, m.content);
    if (m.msgtype === 'text') {
      this.write(`bot › ${String(p.content ?? '')}\n`);
      return;
    }
    if (m.msgtype !== 'msgmenu') {
      this.write(`bot › [${m.msgtype}] ${JSON.stringify(p)}\n`);
      return;
    }
    const lines: string[] = [];
    if (typeof p.head_content === 'string') lines.push(p.head_content);
    this.#menu = [];
    for (const item of Array.isArray(p.list) ? p.list : []) {
      if (!isObject(item)) continue;
      const body = isObject(item[String(item.type)]) ? (item[String(item.type)] as JsonObject) : {};
      if (item.type === 'click') {
        this.#menu.push(String(body.id));
        lines.push(`  ${this.#menu.length}. ${String(body.content)}`);
      } else if (item.type === 'view') {
        lines.push(`  · ${String(body.content)} (${String(body.url)})`);
      } else {
        lines.push(`  · ${String(body.content)}`);
      }
    }
    if (typeof p.tail_content === 'string') lines.push(p.tail_content);
    this.write(`bot › ${lines.join('\n      ')}\n`);
  }

  #showItem(item: WireItem): void {
    if (isCustomerMessage(item)) this.#lastCustomerMsgid = item.msgid;
    if (item.origin === ORIGIN.servicer) {
      this.write(
        `客服 ${String(item.servicer_userid)} › ${String(payloadOf(String(item.msgtype), item).content ?? `[${item.msgtype}]`)}\n`,
      );
      return;
    }
    if (item.msgtype !== 'event' || !isObject(item.event)) return;
    const e = item.event;
    const text =
      e.event_type === 'enter_session'
        ? `— 进入会话 you opened the chat${e.scene ? ` (scene ${String(e.scene)})` : ''} —`
        : e.event_type === 'session_status_change'
          ? [
              '',
              `— ${String(e.new_servicer_userid)} 接入会话 took the session —`,
              `— 转接给 ${String(e.new_servicer_userid)} transferred to ${String(e.new_servicer_userid)} —`,
              '— 会话已结束 the session ended —',
              `— ${String(e.new_servicer_userid)} 重新接入 re-joined —`,
            ][Number(e.change_type)]
          : `— ${String(e.event_type)} —`;
    if (text) this.write(`${text}\n`);
  }

  /** Handles one typed line; resolves to false when the chat should end. */
  async line(raw: string): Promise<boolean> {
    const text = raw.trim();
    if (text === '') return true;
    const ids = { openKfId: this.#openKfId, externalUserId: this.#customer };
    const [command, ...args] = text.split(/\s+/);
    try {
      if (/^\d+$/.test(text) && this.#as === 'customer') {
        const id = this.#menu[Number(text) - 1];
        if (!id) this.write(`no item ${text} in the last menu\n`);
        else performAction(this.sandbox.sim, this.sandbox.hub, { type: 'click', ...ids, id });
      } else if (command === '/help') {
        this.write(CHAT_HELP);
      } else if (command === '/quit' || command === '/exit') {
        return false;
      } else if (command === '/enter') {
        performAction(this.sandbox.sim, this.sandbox.hub, {
          type: 'enter',
          ...ids,
          ...(args[0] && { scene: args[0] }),
          ...(args[1] && { sceneParam: args[1] }),
        });
      } else if (command === '/end') {
        performAction(this.sandbox.sim, this.sandbox.hub, { type: 'end', ...ids });
      } else if (command === '/takeover') {
        performAction(this.sandbox.sim, this.sandbox.hub, {
          type: 'take',
          ...ids,
          ...(args[0] && { servicerUserId: args[0] }),
        });
      } else if (command === '/as') {
        if (args[0] !== 'servicer' && args[0] !== 'customer') this.write('/as servicer or /as customer\n');
        else {
          this.#as = args[0];
          this.write(`you now write as the ${args[0]}\n`);
        }
      } else if (command === '/explain') {
        this.#explain();
      } else if (command === '/wait') {
        const action = parseAction({ type: 'wait', duration: args[0] ?? '' });
        if (action.type === 'wait') {
          this.write(`— ${args[0]} later: ${localTime(this.sandbox.time.clock.now() + action.ms)} —\n`);
          await this.sandbox.time.skip(action.ms);
        }
      } else if (command === '/new') {
        this.#customer = this.sandbox.hub.newCustomer(this.#openKfId);
        this.#menu = [];
        this.write(`you are now ${this.sandbox.sim.world.customers.get(this.#customer)?.nickname}\n`);
      } else if (command?.startsWith('/')) {
        this.write(`unknown command ${command}; /help lists them\n`);
      } else if (this.#as === 'servicer') {
        performAction(this.sandbox.sim, this.sandbox.hub, { type: 'servicer-say', ...ids, text });
      } else {
        performAction(this.sandbox.sim, this.sandbox.hub, { type: 'say', ...ids, text });
      }
    } catch (err) {
      if (!(err instanceof SandboxActionError)) throw err;
      this.write(`✗ ${err.message}\n`);
    }
    return true;
  }

  #explain(): void {
    const d = this.#lastCustomerMsgid && this.#decisions.get(this.#lastCustomerMsgid);
    if (!d) {
      this.write('nothing to explain yet: send a message first\n');
      return;
    }
    const out: string[] = [];
    if (d.skipped) out.push(`no rule consulted: ${d.skipped}`);
    if (d.faq) out.push(`faq: ${describeFaq(d.faq)}`);
    for (const r of d.rules) {
      out.push(`${r.matched ? '✓' : '✗'} ${r.name} (${r.at})`);
      for (const c of r.conditions)
        out.push(`    ${c.result === null ? '·' : c.result ? '✓' : '✗'} ${c.label}`);
    }
    for (const b of d.backendCalls ?? []) out.push(...describeBackendCall(b));
    for (const c of d.calls) out.push(`→ POST ${c.api} (rule ${c.rule})`);
    for (const x of d.dropped) out.push(`⚠ not sent (${x.rule}): ${x.reason}`);
    const s = this.sandbox.sim.world.findSession(this.#openKfId, this.#customer);
    if (s) out.push(`session: ${serviceStateLabel(s.state)} · quota ${s.state <= 1 ? s.quota : 0}/5`);
    this.write(`${out.join('\n')}\n`);
  }

  /** Waits until WeCom's callbacks are delivered and kfbot has answered them. */
  async settle(): Promise<void> {
    let seen = -1;
    while (seen !== this.sandbox.hub.events.length) {
      seen = this.sandbox.hub.events.length;
      await this.sandbox.sim.callbacks.idle();
      await this.sandbox.app.work.idle();
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  /** Reads lines until /quit or the end of input, settling after each. */
  async run(input: NodeJS.ReadableStream, prompt: () => void): Promise<void> {
    const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    prompt();
    for await (const l of rl) {
      if (!(await this.line(l))) break;
      await this.settle();
      prompt();
    }
    rl.close();
    await this.settle();
  }
}

/** A rule's backend call for the terminal: the request line, then what it came to and what ran. */
function describeBackendCall(b: NonNullable<DecisionSummary['backendCalls']>[number]): string[] {
  const o = b.outcome;
  const result = !o
    ? 'making it…'
    : o.error
      ? `✗ ${o.error}${o.detail ? ` (${o.detail})` : ''}`
      : `✓ ${o.status}${o.saved && Object.keys(o.saved).length ? ` saved ${JSON.stringify(o.saved)}` : ''}`;
  const lines = [
    `↔ call ${b.call} (rule ${b.rule}): ${b.request.method} ${b.request.url} → ${result}${o ? ` in ${Math.round(o.durationMs)} ms` : ''}${b.branch ? ` → ${b.branch}` : ''}`,
  ];
  if (Object.keys(b.request.headers).length) lines.push(`    headers ${JSON.stringify(b.request.headers)}`);
  if (b.request.body !== undefined) lines.push(`    body ${b.request.body}`);
  return lines;
}
