/**
 * The rules `serve` would load, and the accounts they scope to: every `open_kfid` a condition
 * names must be an account this app manages, or that rule can never answer.
 */
import type { LoadedRules } from '../rules/load-rules.ts';
import { describeCounts, ruleCounts } from '../rules/rule-counts.ts';
import type { Condition, RuleSet } from '../rules/rule-model.ts';
import { type DoctorCheck, fail, ok } from './doctor-check.ts';

export function checkRules(target: string, loaded: LoadedRules): DoctorCheck {
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !loaded.ruleSet) {
    const first = errors[0];
    return fail(
      'rules',
      `rules: ${target} has ${errors.length} error${errors.length === 1 ? '' : 's'}${
        first ? `, first ${first.file}:${first.line}:${first.col}: ${first.message}` : ''
      }`,
      `运行 kfbot validate ${target}，按每一行的位置修改规则文件`,
      `run kfbot validate ${target} and fix each problem at the file:line:col it names`,
    );
  }
  const set = loaded.ruleSet;
  return ok('rules', `rules: ${target} is valid (${describeCounts(ruleCounts(set), set.faq !== undefined)})`);
}

/** open_kfid → the names of the rules whose conditions name it. */
export function accountScopes(set: RuleSet): Map<string, string[]> {
  const scopes = new Map<string, string[]>();
  const visit = (c: Condition, rule: string) => {
    if ('all' in c) for (const x of c.all) visit(x, rule);
    else if ('any' in c) for (const x of c.any) visit(x, rule);
    else if ('not' in c) visit(c.not, rule);
    else if (c.fact === 'open_kfid') {
      for (const v of Array.isArray(c.value) ? c.value : [c.value]) {
        const names = scopes.get(String(v)) ?? [];
        if (!names.includes(rule)) names.push(rule);
        scopes.set(String(v), names);
      }
    }
  };
  for (const r of set.rules) visit(r.condition, r.name);
  return scopes;
}

export function checkScopes(
  set: RuleSet,
  accounts: readonly { openKfId: string; name: string; manage: boolean }[],
): DoctorCheck {
  const scopes = accountScopes(set);
  if (scopes.size === 0) {
    return ok('rules.accounts', 'rules: no rule names an open_kfid, so the rules answer on every account');
  }
  const known = new Map(accounts.filter((a) => a.manage).map((a) => [a.openKfId, a.name]));
  const unknown = [...scopes].filter(([id]) => !known.has(id));
  if (unknown.length > 0) {
    return fail(
      'rules.accounts',
      `rules: ${unknown
        .map(([id, rules]) => `${id} (rule ${rules.join(', ')})`)
        .join(
          '; ',
        )} is not an account this app manages, so ${unknown.length === 1 ? 'that rule never answers' : 'those rules never answer'}`,
      `把规则里的 open_kfid 改成上面列出的账号之一（kfbot doctor --json 列出全部 open_kfid）`,
      'change the open_kfid in those rules to one of the accounts listed above (kfbot doctor --json lists every open_kfid)',
    );
  }
  return ok(
    'rules.accounts',
    `rules scope to ${[...scopes]
      .map(([id, rules]) => `${known.get(id)} (${id}): ${rules.join(', ')}`)
      .join('; ')}`,
  );
}
