/**
 * simulate never disagrees with serve: for generated customer and servicer actions on several rule
 * sets, the calls `kfbot simulate` reports for each item equal the calls `kfbot serve` made for it
 * against the simulator (same APIs, same bodies: codes, client msgids, content), given the same
 * conversation before the item.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load-rules.ts';
import type { RuleSet } from '../../src/rules/rule-model.ts';
import { dryRun } from '../../src/simulate/dry-run.ts';
import { startSimulator, type WeComSimulator, type WireItem } from '../../src/simulator/index.ts';
import { seededRandom } from '../../src/simulator/random-ids.ts';
import type { JsonObject } from '../../src/wecom/json-reader.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

const RULE_SETS = [
  '01-welcome-menu',
  '03-keywords-and-fallback',
  '05-human-handoff',
  '06-closing-remark',
  '07-remembering-answers',
];
const WORDS = ['你好', '人工', '找张三', '门店', '退款', '营业时间', '在吗', '谢谢', '地址', '发票', 'hello'];
const SEND_APIS = new Set(['kf/send_msg', 'kf/send_msg_on_event', 'kf/service_state/trans']);

/** A transfer notice goes out on the msg_code the transfer returned: WeCom mints it, so it differs. */
function comparable(calls: { api: string | undefined; body: unknown }[]) {
  return calls.map((c, i) =>
    c.api === 'kf/send_msg_on_event' && calls[i - 1]?.api === 'kf/service_state/trans'
      ? { ...c, body: { ...(c.body as object), code: '<from the transfer>' } }
      : c,
  );
}

const allApis: string[] = [];
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
  for (const [n, name] of RULE_SETS.entries()) {
    it(`for generated conversations on ${name}`, async () => {
      const rulesPath = join('examples', name, 'rules.yaml');
      const { ruleSet } = loadRules(rulesPath, process.cwd());
      if (!ruleSet) throw new Error(`${name} does not load`);
      sim = await startSimulator();
      const s = sim;
      kfbot = await startInProcess(s, { config: { rules: rulesPath } });
      const app = kfbot.app;
      const random = seededRandom(1000 + n);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
      const openKfId = s.openKfId;
      const clicks = clickIds(ruleSet);
      let compared = 0;
      const apis = new Set<string>();

      for (let round = 0; round < 3; round++) {
        const externalUserId = `wmDiff${n}x${round}`;
        s.addCustomer({ externalUserId });
        for (let step = 0; step < 10; step++) {
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
            const c = pick(clicks);
            s.customerSays({ ...ref, text: c.label, menuId: c.id });
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
            at: Date.now(),
          });
          const simulated = report.calls
            .filter((c) => SEND_APIS.has(c.api))
            .map((c) => ({ api: c.api, body: c.request }));
          expect(comparable(simulated), `${name}: ${JSON.stringify(item)}`).toEqual(comparable(served));
          compared++;
          for (const c of served) if (c.api) apis.add(c.api);
        }
      }
      expect(compared).toBeGreaterThan(10);
      allApis.push(...apis);
    }, 120_000);
  }

  it('covered every kind of call between them', () => {
    expect(new Set(allApis)).toEqual(SEND_APIS);
  });
});
