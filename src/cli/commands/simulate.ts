/**
 * `kfbot simulate`: dry-runs one message against the rules with no network (Probot's `receive`):
 * the lookups serve makes first, the facts, which rules matched and why, the exact API requests,
 * and whether WeCom would accept them. Exits 1 when a call would be refused or an action could not be carried out.
 */

import { redacted } from '../../rules/call-request.ts';
import { clickLabel } from '../../rules/click-label.ts';
import type { ConversationState } from '../../rules/conversation-state.ts';
import type { SemanticView } from '../../rules/faq/semantic-fusion.ts';
import { loadRules } from '../../rules/load-rules.ts';
import { formatProblem } from '../../rules/problems.ts';
import type { RuleSet, Scalar } from '../../rules/rule-model.ts';
import { isTypedText } from '../../runtime/semantic-lookup.ts';
import { type CallFixture, fixtureOutcome, readCallFixture } from '../../simulate/call-fixtures.ts';
import {
  type BackendCalls,
  DRY_RUN_ACCOUNT,
  DRY_RUN_CUSTOMER,
  type DryRunReport,
  dryRun,
} from '../../simulate/dry-run.ts';
import { formatReport } from '../../simulate/format-report.ts';
import { isObject, type JsonObject } from '../../wecom/json-reader.ts';
import { SERVICE_STATE, type ServiceState } from '../../wecom/platform-enums.ts';
import { decodeSyncItem } from '../../wecom/sync-item.ts';
import {
  type Command,
  type CommandIo,
  InputError,
  parseCommandLine,
  parseInputJson,
  readInputFile,
  UsageError,
} from '../command.ts';
import { cliSemantic } from '../faq-semantic.ts';
import { realCalls } from '../real-calls.ts';
import { rulesTarget } from '../rules-target.ts';

const HELP = `Usage: kfbot simulate [message.json | -] [options]

Runs one message through the rules without touching WeCom and prints what kfbot would look up
first (the nickname, the session's state), the facts, which rules matched and why, the exact API
requests kfbot would make, and whether WeCom would accept them.
Exits 1 if a request would be refused or an action could not be carried out.

The message is a sync_msg item as JSON (a file, or - for stdin), or one of:
  --text TEXT              the customer types TEXT
  --menu ID                the customer clicks menu item ID (text: its label, or --text)
  --enter                  the customer opens the chat (enter_session with a welcome_code)
    --scene SCENE          … from a link with this scene
    --scene-param PARAM    … and this scene_param
  --session-end            a servicer ends the session (session_status_change with a msg_code)

Options:
  --rules PATH             rule file or folder (default: $KFBOT_RULES, else ./rules)
  --account ID             the open_kfid (default ${DRY_RUN_ACCOUNT})
  --customer ID            the external_userid (default ${DRY_RUN_CUSTOMER})
  --nickname NAME          the customer's nickname for {{nickname}} (what customer/batchget answers)
  --service-state STATE    the session before the message: new, bot, queued, human, ended (or 0-4);
                           default: kfbot does not know it and asks WeCom (service_state/get)
  --state FILE             conversation state JSON: {"vars":{},"counters":{},"misses":0,"last_menu":"main"}
  --var NAME=VALUE         set a variable (repeatable; numbers and true/false are typed)
  --at TIME                when kfbot handles the message, ISO 8601 (default: rules see the
                           item's send_time, and its codes' age is judged now)
  --semantic               ask the semantic provider (settings.faq.semantic or KFBOT_SEMANTIC_*)
                           about a typed text, as serve does; see docs/semantic.md
  --call NAME=FILE         answer the rules' call NAME with FILE: {"status":200,"body":{…}},
                           "timeout", or {"error":"refused"} (repeatable)
  --calls                  make every other call for real (default: only GET calls are made;
                           a POST, PUT, PATCH or DELETE is shown, not sent)
  --json                   print the report as JSON
  -h, --help               show this help
`;

const OPTIONS = {
  rules: { type: 'string' },
  text: { type: 'string' },
  menu: { type: 'string' },
  enter: { type: 'boolean' },
  scene: { type: 'string' },
  'scene-param': { type: 'string' },
  'session-end': { type: 'boolean' },
  account: { type: 'string' },
  customer: { type: 'string' },
  nickname: { type: 'string' },
  'service-state': { type: 'string' },
  state: { type: 'string' },
  var: { type: 'string', multiple: true },
  at: { type: 'string' },
  semantic: { type: 'boolean' },
  call: { type: 'string', multiple: true },
  calls: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseCommandLine<typeof OPTIONS>>['values'];

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  let data = '';
  for await (const chunk of stream) data += String(chunk);
  return data;
}

function menuLabel(ruleSet: RuleSet, id: string): string {
  const label = clickLabel(ruleSet, id);
  if (label === undefined)
    throw new UsageError(`no menu has a click item "${id}" and no faq: entry has that id`);
  return label;
}

/** An id flag (--account, --customer) WeCom could have sent: not empty, no spaces. */
function idFlag(flag: string, value: string | undefined, what: string): string | undefined {
  if (value !== undefined && !/^\S+$/.test(value))
    throw new UsageError(`--${flag} takes ${what} (no spaces, not empty), not ${JSON.stringify(value)}`);
  return value;
}

/**
 * The common fields of an item given as JSON, checked as WeCom sends them: an item serve could
 * never receive would only make the dry run say something untrue (or fail on the way).
 */
function checkItem(item: JsonObject): void {
  const event = isObject(item.event) ? item.event : undefined;
  const t = item.send_time;
  if (t !== undefined && !(typeof t === 'number' && Number.isInteger(t) && t >= 0))
    throw new InputError(
      `the message's send_time is the Unix time in seconds, e.g. ${Math.floor(Date.now() / 1000)}, not ${JSON.stringify(t)} (leave it out for now)`,
    );
  for (const key of ['open_kfid', 'external_userid']) {
    const v = item[key] ?? event?.[key];
    if (v !== undefined && (typeof v !== 'string' || v.trim() === ''))
      throw new InputError(`the message's ${key} is a non-empty id, not ${JSON.stringify(v)}`);
  }
}

function buildItem(values: Values, ruleSet: RuleSet, at: number): JsonObject {
  const common = {
    msgid: 'dry-run-msg-1',
    send_time: Math.floor(at / 1000),
  };
  const ids = {
    open_kfid: idFlag('account', values.account, "an account's open_kfid (wk…)") ?? DRY_RUN_ACCOUNT,
    external_userid:
      idFlag('customer', values.customer, "a customer's external_userid (wm…)") ?? DRY_RUN_CUSTOMER,
  };
  const chosen = [
    values.text !== undefined || values.menu !== undefined,
    values.enter,
    values['session-end'],
  ].filter(Boolean);
  if (chosen.length !== 1)
    throw new UsageError('give one message: a JSON file, -, --text/--menu, --enter or --session-end');
  for (const flag of ['scene', 'scene-param'] as const)
    if (values[flag] !== undefined && !values.enter)
      throw new UsageError(
        `--${flag} describes how the customer opened the chat: it goes with --enter (a text carries no scene)`,
      );
  if (values.enter) {
    return {
      ...common,
      origin: 4,
      msgtype: 'event',
      event: {
        event_type: 'enter_session',
        ...ids,
        ...(values.scene && { scene: values.scene }),
        ...(values['scene-param'] && { scene_param: values['scene-param'] }),
        welcome_code: 'WELCOME_CODE',
      },
    };
  }
  if (values['session-end']) {
    return {
      ...common,
      origin: 4,
      msgtype: 'event',
      event: {
        event_type: 'session_status_change',
        ...ids,
        change_type: 3,
        old_servicer_userid: 'zhangsan',
        msg_code: 'MSG_CODE',
      },
    };
  }
  const content = values.text ?? menuLabel(ruleSet, values.menu as string);
  return {
    ...common,
    ...ids,
    origin: 3,
    msgtype: 'text',
    text: { content, ...(values.menu && { menu_id: values.menu }) },
  };
}

function parseState(values: Values, cwd: string): Partial<ConversationState> {
  const state: Partial<ConversationState> = {};
  if (values.state) {
    const what = `--state ${values.state}`;
    const raw = parseInputJson(readInputFile(values.state, cwd, 'the --state file'), what);
    if (!isObject(raw))
      throw new InputError(`${what} must be a JSON object like {"vars":{},"counters":{},"misses":0}`);
    if (isObject(raw.vars)) state.vars = raw.vars as Record<string, Scalar>;
    if (isObject(raw.counters)) state.counters = raw.counters as Record<string, number>;
    if (typeof raw.misses === 'number') state.misses = raw.misses;
    if (typeof raw.last_menu === 'string') state.last_menu = raw.last_menu;
  }
  for (const pair of values.var ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new UsageError(`--var takes NAME=VALUE, not "${pair}"`);
    const text = pair.slice(eq + 1);
    const value: Scalar =
      text === 'true'
        ? true
        : text === 'false'
          ? false
          : text !== '' && Number.isFinite(Number(text))
            ? Number(text)
            : text;
    state.vars = { ...state.vars, [pair.slice(0, eq)]: value };
  }
  return state;
}

function parseServiceState(text: string | undefined): ServiceState | undefined {
  if (text === undefined) return undefined;
  if (Object.hasOwn(SERVICE_STATE, text)) return SERVICE_STATE[text as keyof typeof SERVICE_STATE];
  if (/^[0-4]$/.test(text)) return Number(text) as ServiceState;
  throw new UsageError(`--service-state is one of new, bot, queued, human, ended or 0-4, not "${text}"`);
}

async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const at = values.at === undefined ? undefined : Date.parse(values.at);
  if (Number.isNaN(at))
    throw new UsageError(`--at takes an ISO 8601 time such as 2026-11-26T10:00:00+08:00, not "${values.at}"`);
  const target = rulesTarget(values.rules, io);
  const loaded = loadRules(target, io.cwd);
  if (!loaded.ruleSet) {
    for (const p of loaded.problems) io.stderr.write(`${formatProblem(p)}\n`);
    io.stderr.write(
      `kfbot simulate: the rules in ${target} have errors; fix them first (kfbot validate ${target})\n`,
    );
    return 1;
  }
  let item: JsonObject;
  if (positionals.length > 1) throw new UsageError('give at most one message file');
  if (positionals.length === 1) {
    const shorthand = ['text', 'menu', 'enter', 'session-end', 'scene', 'scene-param'].filter(
      (k) => values[k as keyof Values] !== undefined,
    );
    if (shorthand.length > 0)
      throw new UsageError(
        `give one message: the item in ${positionals[0] === '-' ? 'stdin' : positionals[0]} or --${shorthand[0]}, not both`,
      );
    const source =
      positionals[0] === '-'
        ? await readStdin(io.stdin)
        : readInputFile(positionals[0] as string, io.cwd, 'the message file');
    const raw = parseInputJson(source, 'the message');
    if (!isObject(raw)) throw new InputError('the message must be one sync_msg item (a JSON object)');
    checkItem(raw);
    item = raw;
  } else {
    item = buildItem(values, loaded.ruleSet, at ?? Date.now());
  }
  const serviceState = parseServiceState(values['service-state']);
  const semantic = values.semantic ? await simulateSemantic(loaded.ruleSet, item, io) : undefined;
  if (semantic === 'invalid') return 1;
  const fixtures = readFixtures(values.call ?? [], io.cwd);
  const real = realCalls(loaded.ruleSet, io.env);
  const backend: BackendCalls = async (req) => {
    const fixture = fixtures.get(req.name);
    if (fixture) return fixtureOutcome(req, fixture);
    // Not made: a call with side effects waits for --calls; the report shows it.
    if (req.method !== 'GET' && !values.calls) return undefined;
    return real.backend(req);
  };
  let report: DryRunReport;
  try {
    report = await dryRun(loaded.ruleSet, {
      ...(semantic && { semantic }),
      item,
      state: parseState(values, io.cwd),
      ...(serviceState !== undefined && { serviceState }),
      ...(values.nickname !== undefined && { nickname: values.nickname }),
      ...(at !== undefined && { at }),
      backend,
    });
  } finally {
    await real.close();
  }
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          ok: report.ok,
          facts: report.decision.facts,
          ...(report.decision.faq && { faq: report.decision.faq }),
          skipped: report.decision.skipped,
          rules: report.decision.evaluations.map((e) => ({
            name: e.rule.name,
            at: `${e.rule.at.file}:${e.rule.at.line}`,
            matched: e.matched,
            conditions: e.conditions,
          })),
          state: report.decision.state,
          // Apart from `calls`: what serve asks WeCom before deciding, not what it sends.
          lookups: report.lookups,
          calls: report.calls,
          backendCalls: report.backendCalls.map((b) => ({
            request: redacted(b.request),
            ...(b.outcome && { outcome: b.outcome }),
            ...(b.branch && { branch: b.branch }),
          })),
          dropped: report.dropped,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    io.stdout.write(formatReport(report));
  }
  return report.ok ? 0 : 1;
}

/** The provider's view of the item's typed text; 'invalid' after saying why it cannot ask. */
async function simulateSemantic(
  set: RuleSet,
  item: JsonObject,
  io: CommandIo,
): Promise<SemanticView | undefined | 'invalid'> {
  const matcher = cliSemantic(set, io, 'kfbot simulate');
  if (matcher === 'invalid') return 'invalid';
  if (!matcher || !set.faq) {
    io.stderr.write(
      `kfbot simulate: --semantic needs ${set.faq ? 'a provider: settings.faq.semantic, or KFBOT_SEMANTIC_PROVIDER / KFBOT_SEMANTIC_BASE_URL (docs/semantic.md)' : 'an FAQ (questions: on click items, or a faq: section)'}\n`,
    );
    return 'invalid';
  }
  const typed = decodeSyncItem(item);
  if (!isTypedText(typed)) return undefined;
  let outcome = '';
  try {
    await matcher.prepare(set.faq.index.entries);
    const view = await matcher.view(set.faq.index.entries, typed.text.content, (o) => {
      outcome = o;
    });
    if (!view)
      io.stderr.write(
        `kfbot simulate: the semantic provider did not answer (${outcome}): the matcher alone decides\n`,
      );
    return view;
  } catch (err) {
    io.stderr.write(
      `kfbot simulate: the semantic provider could not embed the questions: ${(err as Error).message}\n`,
    );
    return 'invalid';
  }
}

function readFixtures(specs: readonly string[], cwd: string): Map<string, CallFixture> {
  const out = new Map<string, CallFixture>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`--call takes NAME=FILE, such as order_status=fixture.json (got "${spec}")`);
    const name = spec.slice(0, eq);
    const file = spec.slice(eq + 1);
    const fixture = readCallFixture(parseInputJson(readInputFile(file, cwd, 'the call fixture'), file));
    if (typeof fixture === 'string') throw new InputError(`${file}: ${fixture}`);
    out.set(name, fixture);
  }
  return out;
}

export const simulateCommand: Command = {
  name: 'simulate',
  run,
};
