/**
 * Conversation tests kept beside the rules (`rules/tests/*.yaml`, run by `kfbot test`): each test
 * is a list of steps — the customer enters, says text, clicks a menu item; a servicer takes the
 * session over or ends it — each with the replies expected. Every step is a dry run against an
 * offline WeCom (the same as `kfbot simulate`), carrying the conversation state to the next step.
 *
 *   tests:
 *     - name: 打字问退款多久到账
 *       steps:
 *         - enter: {}                     # or enter: live (a scene)
 *           expect: { menu: main }
 *         - say: 退款多久到账
 *           expect: { text: 1-3 个工作日 }  # a text reply containing this
 *         - click: order_where
 *           expect: [{ text: 我的订单 }]
 *         - servicer: takes over
 *           expect: nothing
 *         - say: 在吗
 *           expect: nothing
 *         - servicer: ends
 *           expect: { menu: satisfaction }
 *         - say: 我要投诉
 *           expect: { transfer: queue }
 *     - name: 查订单                        # a rule's call: answered by a fixture (call-fixtures.ts)
 *       steps:
 *         - say: 订单 2026113012345
 *           calls: { order_status: { status: 200, body: { data: { status: 已发货 } } } }
 *           expect: { text: 已发货 }
 *     - name: 不说话十分钟后提醒
 *       steps:
 *         - say: 退款多久到账
 *         - wait: 10m                     # nobody writes: the idle rules due by then fire
 *           expect: { text: 您还在吗 }
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { parseDuration } from '../config/duration.ts';
import type { Conversation } from '../conversation/conversation.ts';
import { dueIdleRules, idleRules } from '../conversation/silence.ts';
import { clickLabel } from '../rules/click-label.ts';
import { type ConversationState, emptyState } from '../rules/conversation-state.ts';
import { readFullYaml } from '../rules/full-yaml.ts';
import type { RuleSet } from '../rules/rule-model.ts';
import type { JsonObject } from '../wecom/json-reader.ts';
import { SERVICE_STATE, type ServiceState } from '../wecom/platform-enums.ts';
import { type CallFixture, fixtureOutcome, readCallFixture, UnfixturedCallError } from './call-fixtures.ts';
import type {
  ConversationTest,
  Expectation,
  Reply,
  Step,
  StepFailure,
  TestProblem,
  TestStep,
} from './conversation-test-model.ts';
import { describeExpectationZh, describeRepliesZh } from './conversation-test-zh.ts';
import {
  type BackendCalls,
  DRY_RUN_ACCOUNT,
  DRY_RUN_CUSTOMER,
  type DryRunReport,
  dryRun,
  dryRunIdle,
} from './dry-run.ts';

// Thursday 10:00 in Shanghai: within the default business hours, so tests are the same any day.
const DEFAULT_AT = '2026-11-26T10:00:00+08:00';
const TRANSFER_TARGETS = {
  [SERVICE_STATE.queued]: 'queue',
  [SERVICE_STATE.human]: 'servicer',
  [SERVICE_STATE.ended]: 'end',
} as const;

function describeStep(s: Step): string {
  switch (s.type) {
    case 'enter':
      return s.scene
        ? `enter (scene ${s.scene}${s.sceneParam ? `, scene_param ${s.sceneParam}` : ''})`
        : 'enter';
    case 'say':
      return `say ${JSON.stringify(s.text)}`;
    case 'click':
      return `click ${s.id}`;
    case 'servicer':
      return `servicer ${s.does}`;
    case 'wait':
      return `wait ${s.shown}`;
  }
}

export function describeExpectation(e: Expectation): string {
  switch (e.type) {
    case 'text':
      return `a text containing ${JSON.stringify(e.contains)}`;
    case 'menu':
      return `menu ${e.name}`;
    case 'transfer':
      return `transfer to ${e.to}`;
    case 'nothing':
      return 'nothing';
  }
}

export function describeReplies(replies: readonly Reply[]): string {
  if (replies.length === 0) return 'nothing';
  return replies
    .map((r) =>
      r.type === 'text'
        ? `text ${JSON.stringify(r.text)}`
        : r.type === 'menu'
          ? `menu ${r.name} ${JSON.stringify(r.text)}`
          : `transfer to ${r.to}`,
    )
    .join('; ');
}

/** Reads every *.yaml test file at `target` (a file or a folder). */
export function readConversationTests(
  target: string,
  cwd: string,
): { tests: ConversationTest[]; problems: TestProblem[] } {
  const tests: ConversationTest[] = [];
  const problems: TestProblem[] = [];
  let files: string[];
  try {
    files = statSync(target).isDirectory()
      ? readdirSync(target)
          .filter((f) => /\.ya?ml$/i.test(f))
          .sort()
          .map((f) => join(target, f))
      : [target];
  } catch {
    return { tests, problems: [{ file: target, line: 1, message: `no test file or folder at "${target}"` }] };
  }
  for (const path of files) {
    const file = relative(cwd, path) || path;
    const lc = new LineCounter();
    const source = readFileSync(path, 'utf8');
    const doc = parseDocument(source, { lineCounter: lc, keepSourceTokens: false });
    if (doc.errors.length) {
      // Said as for a rule file: at the mistake (an unclosed quote's opening, not the file's end).
      const yaml = readFullYaml(source);
      for (const e of yaml.issues.filter((i) => i.severity === 'error'))
        problems.push({ file, line: yaml.linePos(e.offset).line, message: `YAML: ${e.message}` });
      continue;
    }
    const lineOf = (path: (string | number)[]) => {
      const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
      return node?.range ? lc.linePos(node.range[0]).line : 1;
    };
    const data = doc.toJS() as unknown;
    const list = (data as { tests?: unknown } | null)?.tests;
    if (!Array.isArray(list)) {
      problems.push({ file, line: 1, message: 'a test file has tests: [ { name, steps: [...] } ]' });
      continue;
    }
    list.forEach((raw, i) => {
      const bad = (message: string, at: (string | number)[] = ['tests', i]) =>
        problems.push({ file, line: lineOf(at), message });
      const t = raw as { name?: unknown; at?: unknown; steps?: unknown };
      if (typeof t?.name !== 'string' || !Array.isArray(t.steps)) {
        bad('a test is { name, steps: [...] } (and optionally at: an ISO time)');
        return;
      }
      const twin = tests.find((other) => other.name === t.name);
      if (twin)
        bad(
          `test name ${JSON.stringify(t.name)} is used twice (also at ${twin.file}:${twin.line}); a failure would not say which`,
          ['tests', i, 'name'],
        );
      if (t.steps.length === 0) {
        bad('a test has at least one step (steps: [] tests nothing)', ['tests', i, 'steps']);
        return;
      }
      const at = Date.parse(typeof t.at === 'string' ? t.at : DEFAULT_AT);
      if (Number.isNaN(at)) bad(`at: is an ISO 8601 time such as ${DEFAULT_AT}`, ['tests', i, 'at']);
      const steps: TestStep[] = [];
      t.steps.forEach((s: unknown, k: number) => {
        const where = ['tests', i, 'steps', k];
        const parsed = parseStep(s);
        if (typeof parsed === 'string') bad(parsed, where);
        else steps.push({ ...parsed, line: lineOf(where) });
      });
      tests.push({ name: t.name, file, line: lineOf(['tests', i]), at, steps });
    });
  }
  return { tests, problems };
}

function parseStep(raw: unknown): Omit<TestStep, 'line'> | string {
  if (typeof raw !== 'object' || raw === null)
    return 'a step is a mapping such as { say: 你好, expect: { text: 您好 } }';
  const s = raw as Record<string, unknown>;
  const keys = Object.keys(s).filter((k) => k !== 'expect' && k !== 'calls');
  if (keys.length !== 1)
    return `a step does one thing (enter, say, click, servicer or wait); got ${keys.join(', ') || 'none'}`;
  let step: Step;
  if ('enter' in s) {
    const e = s.enter;
    const ENTER = 'enter: takes a scene name, { scene: live, scene_param: 直播间01 }, or {} for none';
    if (typeof e === 'string') step = { type: 'enter', scene: e };
    else if (e === null || e === undefined) step = { type: 'enter' };
    else if (typeof e !== 'object' || Array.isArray(e)) return ENTER;
    else {
      const { scene, scene_param: param, ...rest } = e as Record<string, unknown>;
      if (Object.keys(rest).length > 0) return ENTER;
      if (scene !== undefined && typeof scene !== 'string') return ENTER;
      if (param !== undefined && typeof param !== 'string' && typeof param !== 'number') return ENTER;
      if (param !== undefined && scene === undefined)
        return 'enter: scene_param comes with a scene (WeCom sends it only with one)';
      step = {
        type: 'enter',
        ...(scene !== undefined && { scene }),
        ...(param !== undefined && { sceneParam: String(param) }),
      };
    }
  } else if ('say' in s) {
    if (typeof s.say !== 'string' && typeof s.say !== 'number')
      return 'say: takes the text the customer types';
    step = { type: 'say', text: String(s.say) };
  } else if ('click' in s) {
    // A click id of digits (click: 1) is read by YAML as a number: it is the same id.
    if (typeof s.click !== 'string' && typeof s.click !== 'number') return 'click: takes a menu click id';
    step = { type: 'click', id: String(s.click) };
  } else if ('servicer' in s) {
    if (s.servicer !== 'takes over' && s.servicer !== 'ends') return 'servicer: is "takes over" or "ends"';
    step = { type: 'servicer', does: s.servicer };
  } else if ('wait' in s) {
    const ms = typeof s.wait === 'string' ? parseDuration(s.wait) : undefined;
    if (!ms) return 'wait: takes a duration such as 30s, 10m, 2h or 1h30m';
    step = { type: 'wait', ms, shown: String(s.wait) };
  } else {
    return `unknown step "${keys[0]}": use enter, say, click, servicer or wait`;
  }
  let calls: Record<string, CallFixture> | undefined;
  if (s.calls !== undefined) {
    if (typeof s.calls !== 'object' || s.calls === null || Array.isArray(s.calls))
      return 'calls: maps a call name to its answer, e.g. calls: { order_status: { status: 200, body: {…} } }';
    calls = {};
    for (const [name, raw] of Object.entries(s.calls)) {
      const fixture = readCallFixture(raw);
      if (typeof fixture === 'string') return `calls.${name}: ${fixture}`;
      calls[name] = fixture;
    }
  }
  const withCalls = { step, ...(calls && { calls }) };
  if (s.expect === undefined) return withCalls;
  const expect = parseExpect(s.expect);
  return typeof expect === 'string' ? expect : { ...withCalls, expect };
}

function parseExpect(raw: unknown): Expectation[] | string {
  const HELP =
    'expect: is nothing, { text: part of the reply }, { menu: name }, { transfer: queue | servicer | end }, or a list of these';
  if (raw === 'nothing' || raw === null) return [{ type: 'nothing' }];
  const list = Array.isArray(raw) ? raw : [raw];
  const out: Expectation[] = [];
  for (const e of list) {
    if (e === 'nothing') out.push({ type: 'nothing' });
    else if (typeof e !== 'object' || e === null || Object.keys(e).length !== 1) return HELP;
    else if (typeof e.text === 'string' || typeof e.text === 'number') {
      // "" is in every text: it would pass whatever the bot said.
      if (String(e.text).trim() === '')
        return 'expect: { text: "" } would match any reply; give part of the reply expected (or expect: nothing)';
      out.push({ type: 'text', contains: String(e.text) });
    } else if (typeof e.menu === 'string') out.push({ type: 'menu', name: e.menu });
    else if (e.transfer === 'queue' || e.transfer === 'servicer' || e.transfer === 'end')
      out.push({ type: 'transfer', to: e.transfer });
    else return HELP;
  }
  return out;
}

function itemFor(step: Exclude<Step, { type: 'wait' }>, ruleSet: RuleSet, at: number, n: number): JsonObject {
  const ids = { open_kfid: DRY_RUN_ACCOUNT, external_userid: DRY_RUN_CUSTOMER };
  const common = { msgid: `test-msg-${n}`, send_time: Math.floor(at / 1000) };
  switch (step.type) {
    case 'enter':
      return {
        ...common,
        origin: 4,
        msgtype: 'event',
        event: {
          event_type: 'enter_session',
          ...ids,
          ...(step.scene && { scene: step.scene }),
          ...(step.sceneParam && { scene_param: step.sceneParam }),
          welcome_code: 'WELCOME_CODE',
        },
      };
    case 'servicer':
      return {
        ...common,
        origin: 4,
        msgtype: 'event',
        event:
          step.does === 'ends'
            ? {
                event_type: 'session_status_change',
                ...ids,
                change_type: 3,
                old_servicer_userid: 'zhangsan',
                msg_code: 'MSG_CODE',
              }
            : {
                event_type: 'session_status_change',
                ...ids,
                change_type: 1,
                new_servicer_userid: 'zhangsan',
                msg_code: 'MSG_CODE',
              },
      };
    case 'say':
      return { ...common, ...ids, origin: 3, msgtype: 'text', text: { content: step.text } };
    case 'click':
      return {
        ...common,
        ...ids,
        origin: 3,
        msgtype: 'text',
        text: { content: clickLabel(ruleSet, step.id) ?? step.id, menu_id: step.id },
      };
  }
}

function satisfied(e: Expectation, replies: readonly Reply[]): boolean {
  switch (e.type) {
    case 'nothing':
      return replies.length === 0;
    case 'text':
      return replies.some((r) => r.type !== 'transfer' && r.text.includes(e.contains));
    case 'menu':
      return replies.some((r) => r.type === 'menu' && r.name === e.name);
    case 'transfer':
      return replies.some((r) => r.type === 'transfer' && r.to === e.to);
  }
}

/** Runs one test; resolves to its failures (empty when it passed). */
export async function runConversationTest(ruleSet: RuleSet, test: ConversationTest): Promise<StepFailure[]> {
  const failures: StepFailure[] = [];
  let state: ConversationState = emptyState();
  let serviceState: ServiceState | undefined;
  /** The conversation as serve would have stored it after the last step (for idle rules). */
  let last: Conversation | undefined;
  let at = test.at;
  const idle = idleRules(ruleSet);
  for (const [index, ts] of test.steps.entries()) {
    const step = ts.step;
    const replies: Reply[] = [];

    const backend: BackendCalls = async (req) => {
      const fixture = ts.calls?.[req.name];
      if (!fixture) throw new UnfixturedCallError(req.name);
      return fixtureOutcome(req, fixture);
    };
    const take = (report: DryRunReport) => {
      state = report.decision.state;
      last = report.conversation;
      for (const r of repliesOf(report)) {
        replies.push(r);
        if (r.type === 'transfer' && r.to === 'queue') serviceState = SERVICE_STATE.queued;
        if (r.type === 'transfer' && r.to === 'end') serviceState = SERVICE_STATE.ended;
      }
    };
    try {
      if (step.type === 'wait') {
        // The idle rules whose time comes within the wait fire in order, each at its own time.
        const until = at + step.ms;
        for (;;) {
          const conversation: Conversation | undefined = last && {
            ...last,
            state: { ...state, ...(serviceState !== undefined && { service_state: serviceState }) },
          };
          const [rule] = conversation ? dueIdleRules(conversation, idle, until) : [];
          if (!conversation?.silence || !rule) break;
          const firesAt = conversation.silence.since + rule.idleFor;
          take(await dryRunIdle(ruleSet, { conversation, rule, at: firesAt, backend }));
        }
        at = until;
      } else {
        at += index === 0 ? 0 : 60_000;
        if (step.type === 'servicer' && step.does === 'takes over') {
          // As in WeCom (and the sandbox, chat and the simulator): a servicer takes a session only
          // from the queue, after a transfer: queue.
          if (serviceState !== SERVICE_STATE.queued) {
            failures.push({
              test,
              index,
              step: ts,
              expected: 'a customer waiting in the queue (a step whose reply is { transfer: queue } first)',
              got: `${serviceState === SERVICE_STATE.human ? 'a servicer already has the session' : 'the bot is serving the customer'}; a servicer takes a session only from the queue`,
              zh: {
                expected: '客户在待接入池里等待（前面有一步的回复是 { transfer: queue }）',
                got: `${serviceState === SERVICE_STATE.human ? '接待人员已经在接待' : '机器人正在接待客户'}；接待人员只能从待接入池接入会话`,
              },
            });
            break;
          }
          serviceState = SERVICE_STATE.human;
        }
        take(
          await dryRun(ruleSet, {
            item: itemFor(step, ruleSet, at, index),
            state: { ...state, ...(serviceState !== undefined && { service_state: serviceState }) },
            ...(serviceState !== undefined && step.type === 'say' && { serviceState }),
            ...(last?.silence && { silence: last.silence }),
            at,
            backend,
          }),
        );
        if (step.type === 'servicer' && step.does === 'ends') serviceState = undefined;
      }
    } catch (err) {
      if (!(err instanceof UnfixturedCallError)) throw err;
      failures.push({
        test,
        index,
        step: ts,
        expected: `a fixture for call "${err.call}"`,
        got: err.message,
        zh: { expected: `调用 "${err.call}" 的测试答复（calls:）`, got: '这一步没有写它的答复' },
      });
      break;
    }
    if (!ts.expect) continue;
    const missing = ts.expect.filter((e) => !satisfied(e, replies));
    if (missing.length)
      failures.push({
        test,
        index,
        step: ts,
        expected: ts.expect.map(describeExpectation).join('; '),
        got: describeReplies(replies),
        zh: {
          expected: ts.expect.map(describeExpectationZh).join('；'),
          got: describeRepliesZh(replies),
        },
      });
  }
  return failures;
}

/** What the customer saw (or what happened to the session) from one dry run's accepted calls. */
function repliesOf(report: DryRunReport): Reply[] {
  const menus = report.decision.actions.flatMap(({ action }) =>
    (action.type === 'reply' || action.type === 'send_on_event' || action.type === 'transfer') &&
    (action.type === 'transfer' ? action.notice : action.content)?.msgtype === 'msgmenu'
      ? [
          ((action.type === 'transfer' ? action.notice : action.content) as { menu: { name: string } }).menu
            .name,
        ]
      : [],
  );
  const replies: Reply[] = [];
  for (const call of report.calls) {
    if (!call.accepted) continue;
    const r = call.request;
    if (call.api === 'kf/service_state/trans') {
      const to = TRANSFER_TARGETS[r.service_state as 2 | 3 | 4];
      replies.push({ type: 'transfer', to: to ?? String(r.service_state) });
    } else if (r.msgtype === 'text') {
      replies.push({ type: 'text', text: String((r.text as JsonObject).content) });
    } else if (r.msgtype === 'msgmenu') {
      const m = r.msgmenu as JsonObject;
      const labels = ((m.list as JsonObject[]) ?? []).map((i) => {
        const inner = (i.click ?? i.view ?? i.miniprogram ?? i.text) as JsonObject | undefined;
        return String(inner?.content ?? inner?.title ?? '');
      });
      const text = [m.head_content, ...labels, m.tail_content]
        .filter((x) => typeof x === 'string')
        .join(' / ');
      replies.push({ type: 'menu', name: menus.shift() ?? '?', text });
    } else {
      replies.push({ type: 'text', text: `[${String(r.msgtype)}]` });
    }
  }
  return replies;
}

export function formatFailure(f: StepFailure): string {
  return [
    `✗ ${f.test.file}:${f.step.line}  ${f.test.name} — step ${f.index + 1} (${describeStep(f.step.step)})`,
    `    - expected: ${f.expected}`,
    `    + got:      ${f.got}`,
  ].join('\n');
}
