/** What MessageHandler is built with, and what its steps (the files it calls) share. */
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { KfApi } from '../wecom/kf-api.ts';
import type { ActivityRecorder } from './activity-recorder.ts';
import type { CallRunner } from './call-runner.ts';
import type { DecisionEvent } from './decision-event.ts';
import type { LiveRules } from './live-rules.ts';
import type { MediaUploads } from './media-uploads.ts';
import type { KfbotMetrics } from './metrics.ts';
import type { SemanticLookup } from './semantic-lookup.ts';
import type { SendExecutor } from './send-executor.ts';

export interface MessageHandlerDeps {
  kf: KfApi;
  /** Makes rules' `call:` actions (the company's own backends). */
  calls: CallRunner;
  store: Store;
  rules: LiveRules;
  /** The semantic provider's view of typed texts, when one is set (semantic-lookup.ts). */
  semantic?: SemanticLookup;
  executor: SendExecutor;
  media: MediaUploads;
  metrics: KfbotMetrics;
  log: Logger;
  now: () => number;
  historyMaxAgeMs: number;
  /** How long unanswered customer texts are kept (KFBOT_UNANSWERED_RETENTION); 0: not recorded. */
  unansweredRetentionMs: number;
  /** Told about every decision, after it is recorded and before its calls are made. */
  onDecision?: (event: DecisionEvent) => void;
}

/** The deps, and the handler's one recorder for the reports: rule outcomes, satisfaction scores, session ends. */
export interface HandlerDeps extends MessageHandlerDeps {
  activity: ActivityRecorder;
}
