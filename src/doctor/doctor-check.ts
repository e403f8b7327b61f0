/**
 * One line of `kfbot doctor`'s checklist: what was checked, whether it passed, and — when it did
 * not — the fix in the operator's terms, in Chinese and in English (the admin console is Chinese).
 */
export type CheckStatus = 'ok' | 'fail' | 'skip';

export interface DoctorCheck {
  /** Stable id for --json consumers: `settings.WECOM_TOKEN`, `wecom.gettoken`, `callback`, … */
  readonly id: string;
  readonly status: CheckStatus;
  /** One line: what was found. Never a secret. */
  readonly summary: string;
  /** How to fix it; set on every failure. */
  readonly fix?: { readonly zh: string; readonly en: string };
}

export const ok = (id: string, summary: string): DoctorCheck => ({ id, status: 'ok', summary });

export const skip = (id: string, summary: string): DoctorCheck => ({ id, status: 'skip', summary });

export const fail = (id: string, summary: string, zh: string, en: string): DoctorCheck => ({
  id,
  status: 'fail',
  summary,
  fix: { zh, en },
});

const MARK: Record<CheckStatus, string> = { ok: '✓', fail: '✗', skip: '–' };

/** The checklist as text: one line per check, its fix indented under a failure. */
export function formatChecklist(checks: readonly DoctorCheck[]): string {
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${MARK[c.status]} ${c.summary}`);
    if (c.fix) lines.push(`    修复: ${c.fix.zh}`, `    fix:  ${c.fix.en}`);
  }
  const failed = checks.filter((c) => c.status === 'fail').length;
  lines.push(
    failed === 0
      ? `All ${checks.filter((c) => c.status === 'ok').length} checks passed. 全部通过。`
      : `${failed} check${failed === 1 ? '' : 's'} failed. ${failed} 项未通过。`,
  );
  return `${lines.join('\n')}\n`;
}
