/**
 * 08 在代码里使用规则 · Using the rules from TypeScript
 *
 * The rules engine is a library too: load rules, decide on a decoded sync_msg item, and plan the
 * exact WeCom calls, with no network. (Run: node --import tsx examples/08-programmatic/main.ts)
 */
import { emptyState } from '../../src/rules/conversation-state.ts';
import { Decider } from '../../src/rules/decider.ts';
import { loadRulesOrThrow } from '../../src/rules/load-rules.ts';
import { mediaPlaceholder, planCalls } from '../../src/rules/plan-calls.ts';
import { decodeSyncItem } from '../../src/wecom/sync-item.ts';

const rules = loadRulesOrThrow('examples/01-welcome-menu/rules.yaml');
const decider = new Decider(rules);

// An enter_session event exactly as kf/sync_msg returns it.
const item = decodeSyncItem({
  msgid: 'example-1',
  send_time: 1764122400,
  origin: 4,
  msgtype: 'event',
  event: {
    event_type: 'enter_session',
    open_kfid: 'wkExampleAccount',
    external_userid: 'wmExampleCustomer',
    scene: 'live',
    welcome_code: 'WELCOME_CODE_FROM_WECOM',
  },
});

const decision = await decider.decide(item, {
  state: emptyState(),
  now: Date.parse('2026-11-26T10:00:00+08:00'),
});
console.log('matched:', decision.matched.map((r) => r.name).join(', '));

const plan = planCalls(item, decision, { nickname: '小明', mediaId: mediaPlaceholder });
for (const call of plan.calls) console.log(`POST ${call.api}`, JSON.stringify(call.body));
console.log('state after:', JSON.stringify(decision.state));
