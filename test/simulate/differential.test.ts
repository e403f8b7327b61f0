/**
 * simulate never disagrees with serve: for generated customer and servicer actions on several rule
 * sets, the calls `kfbot simulate` reports for each item equal the calls `kfbot serve` made for it
 * against the simulator (same APIs, same bodies: codes, client msgids, content), given the same
 * conversation before the item and the same time.
 *
 * Time is part of the case: serve and the simulator share one manual clock, which each step moves
 * on (seconds to hours, days between customers) and which stands still while serve handles the
 * item; the dry run decides at that same instant. Besides the examples, some rule sets carry a
 * generated layer of time conditions (business hours with a lunch break, weekend and 调休 workday
 * hours, holidays, a window across midnight on some weekdays, in one of several timezones), so a
 * rule's answer depends on the time of day and the weekday.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load-rules.ts';
import type { RuleSet } from '../../src/rules/rule-model.ts';
import { dryRun } from '../../src/simulate/dry-run.ts';
import {
  DAY,
  HOUR,
  ManualClock,
  MINUTE,
  SECOND,
  startSimulator,
  type WeComSimulator,
  type WireItem,
} from '../../src/simulator/index.ts';
import { type RandomSource, seededRandom } from '../../src/simulator/random-ids.ts';
import type { JsonObject } from '../../src/wecom/json-reader.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

interface Case {
  /** An example's folder under examples/. */
  example: string;
  /** Add a generated layer of time conditions (only to an example without settings:). */
  timeLayer?: boolean;
}

const CASES: Case[] = [
  { example: '01-welcome-menu' },
  { example: '03-keywords-and-fallback' },
  { example: '04-business-hours' },
  { example: '05-human-handoff' },
  { example: '06-closing-remark' },
  { example: '07-remembering-answers' },
  { example: '09-typed-questions' },
  { example: '01-welcome-menu', timeLayer: true },
  { example: '03-keywords-and-fallback', timeLayer: true },
  { example: '05-human-handoff', timeLayer: true },
];
const WORDS = [
  '你好',
  '人工',
  '找张三',
  '门店',
  '退款',
  '营业时间',
  '在吗',
  '谢谢',
  '地址',
  '发票',
  '发货',
  'hello',
  // Typed questions for the FAQ (09): a confident match, a clarifying menu, 猜你想问.
  '退款几天能到账',
  '怎么还没到',
  '拍错了咋办',
];
const SEND_APIS = new Set(['kf/send_msg', 'kf/send_msg_on_event', 'kf/service_state/trans']);
/** The clock starts on Monday 2026-09-28 and runs about a week: weekdays, a weekend, holidays. */
const CALENDAR_START = Date.parse('2026-09-28T00:00:00+08:00');
const TIMEZONES = ['Asia/Shanghai', 'Asia/Kolkata', 'Europe/Berlin', 'America/New_York'];
/** How far the clock moves before a step: a boundary is crossed now and then, within a day. */
const STEP_ADVANCES = [0, 20 * SECOND, 7 * MINUTE, 50 * MINUTE, 3 * HOUR + 10 * MINUTE];

/** A transfer notice goes out on the msg_code the transfer returned: WeCom mints it, so it differs. */
function comparable(calls: { api: string | undefined; body: unknown }[]) {
  return calls.map((c, i) =>
    c.api === 'kf/send_msg_on_event' && calls[i - 1]?.api === 'kf/service_state/trans'
      ? { ...c, body: { ...(c.body as object), code: '<from the transfer>' } }
      : c,
  );
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
/** The date `days` after the calendar's first day, as rules write it. */
const calendarDate = (days: number) => new Date(Date.UTC(2026, 8, 28 + days)).toISOString().slice(0, 10);

/**
 * Rules whose answers depend on the time: out-of-hours welcome and closing, an out-of-hours
 * notice before the answer, a night notice on some weekdays, a holiday notice, and a hand-over
 * only in business hours — windows, days, holidays and timezone drawn from `random`.
 */
function timeLayerYaml(random: RandomSource): string {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const at5 = (lo: number, hi: number) => int(lo / 5, hi / 5) * 5; // minutes, on a 5-minute mark
  const open = at5(6 * 60, 11 * 60);
  const close = at5(15 * 60, 22 * 60);
  const lunch = at5(11 * 60 + 30, 13 * 60);
  const weekdays =
    random() < 0.5
      ? `"${hhmm(open)}-${hhmm(close)}"`
      : `["${hhmm(open)}-${hhmm(lunch)}", "${hhmm(lunch + at5(30, 90))}-${hhmm(close)}"]`;
  const weekend = ['sat', 'sun', 'sat-sun'][int(0, 2)];
  const holiday = int(0, 2); // two days from Mon, Tue or Wed
  const nightStart = at5(20 * 60, 23 * 60 + 55);
  const nightEnd = at5(30, 3 * 60);
  const nightDays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].filter(() => random() < 0.5);
  return `
settings:
  timezone: ${TIMEZONES[int(0, TIMEZONES.length - 1)]}
  holidays: [${calendarDate(holiday)}, ${calendarDate(holiday + 1)}]
  workdays: [${calendarDate(int(5, 6))}]
  schedules:
    open:
      mon-fri: ${weekdays}
      ${weekend}: "${hhmm(at5(9 * 60, 12 * 60))}-${hhmm(at5(14 * 60, 18 * 60))}"
${random() < 0.5 ? `      workday: "${hhmm(open)}-${hhmm(close)}"\n` : ''}      holiday: ${random() < 0.5 ? 'closed' : `"${hhmm(at5(10 * 60, 12 * 60))}-${hhmm(at5(13 * 60, 16 * 60))}"`}
rules:
  - name: 下班欢迎语
    priority: 60
    when: { kind: enter_session, time: { closed: open } }
    then: [ { welcome: 现在是下班时间，请留言，我们上班后回复您 } ]
  - name: 下班结束语
    priority: 60
    when: { kind: session_status_change, change_type: ended, time: { closed: open } }
    then: [ { closing: 感谢咨询，我们下班了 } ]
  - name: 下班提示
    priority: 50
    continue: true
    when: { time: { closed: open } }
    then: [ { reply: 现在是下班时间，明天上班后人工客服为您服务 } ]
  - name: 夜间提示
    priority: 49
    continue: true
    when: { time: { between: "${hhmm(nightStart)}-${hhmm(nightEnd)}", days: [${(nightDays.length ? nightDays : ['fri']).join(', ')}] } }
    then: [ { reply: 夜深了，早点休息 } ]
  - name: 假期提示
    priority: 48
    continue: true
    when: { holiday: true }
    then: [ { reply: 假期快乐！发货将在假期后恢复 } ]
  - name: 营业时间转人工
    priority: 47
    when: { text: { any: [人工] }, time: open }
    then: [ { transfer: { to: queue, notice: 营业时间，正在为您转接 } } ]
`;
}

/** The rules path for a case: the example's file, or a folder of it and a generated time layer. */
function rulesFor(c: Case, random: RandomSource): string {
  const example = join('examples', c.example, 'rules.yaml');
  if (!c.timeLayer) return example;
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-diff-'));
  writeFileSync(join(dir, 'example.yaml'), readFileSync(example));
  writeFileSync(join(dir, 'time.yaml'), timeLayerYaml(random));
  return dir;
}

const allApis: string[] = [];
/** How the time conditions came out across every case: both ways, or the test proves nothing. */
const timeOutcomes = { held: 0, failed: 0, holiday: 0 };
let sim: WeComSimulator | undefined;
let kfbot: InProcessKfbot | undefined;
afterEach(async () => {
  await kfbot?.close();
  await sim?.close();
});

function clickIds(ruleSet: RuleSet): { id: string; label: string }[] {
  const out: { id: string; label: string }[] = [];
  for (const menu of ruleSet.menus.values())
    for (const item of menu.items)
      if (item.type === 'click') out.push({ id: item.id, label: item.label.render(() => '') });
  return out;
}

describe('simulate and serve make the same calls', () => {
  for (const [n, c] of CASES.entries()) {
    const name = `${c.example}${c.timeLayer ? ' with time conditions' : ''}`;
    it(`for generated conversations on ${name}`, async () => {
      const random = seededRandom(1000 + n);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
      const rulesPath = rulesFor(c, random);
      const { ruleSet, problems } = loadRules(rulesPath, process.cwd());
      if (!ruleSet) throw new Error(`${name} does not load: ${JSON.stringify(problems)}`);
      const clock = new ManualClock(CALENDAR_START + Math.floor(random() * DAY));
      sim = await startSimulator({ clock });
      const s = sim;
      kfbot = await startInProcess(s, { config: { rules: rulesPath }, now: () => clock.now() });
      const app = kfbot.app;
      const openKfId = s.openKfId;
      const clicks = clickIds(ruleSet);
      let compared = 0;
      const apis = new Set<string>();

      for (let round = 0; round < (c.timeLayer ? 6 : 3); round++) {
        // A new customer a day or so later: over the rounds the clock visits weekdays, the
        // weekend, holidays and the 调休 workday; within one, it stays inside the 48 h window.
        if (round > 0) clock.advance(14 * HOUR + Math.floor(random() * DAY));
        const externalUserId = `wmDiff${n}x${round}`;
        s.addCustomer({ externalUserId });
        for (let step = 0; step < 10; step++) {
          if (step > 0) clock.advance(pick(STEP_ADVANCES));
          const session = s.world.findSession(openKfId, externalUserId);
          const before = await app.store.getConversation(openKfId, externalUserId);
          const stateBefore = session?.state;
          const items: WireItem[] = [];
          const stop = s.onItem((item) => items.push(item));
          const fromRequest = s.requests.all.length;
          const roll = random();
          const ref = { openKfId, externalUserId };
          if (step === 0 || roll < 0.15)
            s.customerEnters({ ...ref, ...(random() < 0.3 && { scene: 'live' }) });
          else if (stateBefore === 2 && roll < 0.4)
            s.servicerTakes({ ...ref, servicerUserId: s.servicers[0]?.userid ?? '' });
          else if (stateBefore === 3 && roll < 0.5)
            s.servicerEnds({ ...ref, servicerUserId: session?.servicerUserId ?? '' });
          else if (clicks.length && roll < 0.6) {
            const click = pick(clicks);
            s.customerSays({ ...ref, text: click.label, menuId: click.id });
          } else s.customerSays({ ...ref, text: pick(WORDS) });
          await s.idle();
          await app.work.idle();
          stop();
          if (items.length !== 1) continue; // compare single-item steps: the state before is known
          const item = items[0] as WireItem;
          const served = s.requests.all
            .slice(fromRequest)
            .filter((r) => r.api && SEND_APIS.has(r.api))
            .map((r) => ({ api: r.api, body: r.body }));
          // What serve's conversation knew of the session, else what WeCom had (serve asks it).
          const known = before?.state.service_state ?? stateBefore;
          const report = await dryRun(ruleSet, {
            item: item as JsonObject,
            state: before?.state ?? {},
            ...(known !== undefined && { serviceState: known }),
            nickname: s.customer(externalUserId)?.nickname ?? '',
            at: clock.now(), // the instant serve decided at: the clock has not moved since
          });
          const simulated = report.calls
            .filter((call) => SEND_APIS.has(call.api))
            .map((call) => ({ api: call.api, body: call.request }));
          const when = new Date(clock.now()).toISOString();
          expect(comparable(simulated), `${name} at ${when}: ${JSON.stringify(item)}`).toEqual(
            comparable(served),
          );
          compared++;
          for (const call of served) if (call.api) apis.add(call.api);
          for (const ev of report.decision.evaluations)
            for (const cond of ev.conditions) {
              if (cond.result === undefined) continue;
              if (/^(not \()?time is within /.test(cond.label)) {
                // "not (time is within open)" held means the time was outside it.
                const inside = cond.result !== cond.label.startsWith('not (');
                timeOutcomes[inside ? 'held' : 'failed']++;
              }
              if (cond.label.startsWith('holiday') && cond.result) timeOutcomes.holiday++;
            }
        }
      }
      expect(compared).toBeGreaterThan(10);
      allApis.push(...apis);
    }, 120_000);
  }

  it('covered every kind of call between them', () => {
    expect(new Set(allApis)).toEqual(SEND_APIS);
  });

  it('decided inside and outside business hours, and on a holiday', () => {
    expect(timeOutcomes.held).toBeGreaterThan(10);
    expect(timeOutcomes.failed).toBeGreaterThan(10);
    expect(timeOutcomes.holiday).toBeGreaterThan(0);
  });
});
