/**
 * Every event the sandbox hub publishes, as the page (public/app.js, type-checked against this
 * union) and `kfbot chat` receive them. Types only, so the page's check loads no server code.
 */
import type { FaqDecision } from '../rules/faq-step.ts';
import type { RequestRecord } from '../simulator/request-log.ts';
import type { WireItem } from '../simulator/wire-item.ts';
import type { SentMessage } from '../simulator/world.ts';

export type SandboxEvent =
  | {
      type: 'accounts';
      accounts: { openKfId: string; name: string }[];
      servicers: { userid: string; name: string }[];
    }
  | { type: 'customer'; openKfId: string; externalUserId: string; nickname: string }
  | { type: 'item'; openKfId: string; externalUserId: string; item: WireItem; at: number }
  | { type: 'sent'; openKfId: string; externalUserId: string; message: SentMessage }
  | { type: 'request'; record: RequestRecord; meaning?: string }
  | { type: 'decision'; openKfId: string; externalUserId: string; msgid: string; decision: DecisionSummary }
  | {
      type: 'session';
      openKfId: string;
      externalUserId: string;
      state: number;
      /** "1 智能助手接待 · bot": the page shows the labels of wecom/platform-enums.ts. */
      label: string;
      servicer?: string;
      quotaLeft: number;
    }
  | { type: 'rules'; version: number | null; ok: boolean; problems: string[] }
  /** The sandbox's clock moved (sandbox-time.ts): it runs `offsetMs` ahead of real time. */
  | { type: 'clock'; now: number; offsetMs: number }
  /** Sent to each new viewer after the history: live events follow. */
  | { type: 'replayed' };

export interface DecisionSummary {
  kind: string;
  skipped?: string;
  /** The FAQ match of a typed text: candidates with scores and the question each matched. */
  faq?: FaqDecision;
  rules: {
    name: string;
    at: string;
    matched: boolean;
    conditions: { label: string; result: boolean | null; value: unknown }[];
  }[];
  calls: { api: string; rule: string; msgid?: string; body: unknown }[];
  dropped: { rule: string; reason: string }[];
  /**
   * Rules' calls to the company's backend: the one being made (no outcome yet), or the one just
   * made with its answer, duration and which actions ran after it. Env values show as ‹env.X›.
   */
  backendCalls?: {
    rule: string;
    call: string;
    request: { method: string; url: string; headers: Record<string, string>; body?: string };
    outcome?: {
      status?: number;
      error?: string;
      detail?: string;
      saved?: Record<string, string>;
      attempts: number;
      durationMs: number;
    };
    branch?: string;
  }[];
  rulesVersion: number;
}
