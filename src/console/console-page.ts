/**
 * What a console page is: an id (its path under /console), a title for the navigation, the page
 * script that draws it (console-public/pages/<id>.js), and the JSON endpoints it reads under
 * /console/api/<name>. Adding a page is a file exporting one of these and a line in
 * console-pages.ts; the router, sign-in, CSRF and headers come with it.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { RuleProblem } from '../rules/problems.ts';
import type { RuleModel, RuleSet } from '../rules/rule-model.ts';
import type { Store } from '../store/store.ts';

/**
 * The running rules as the console reads them (runtime/live-rules.ts is the one implementation):
 * what serves now, the problems of the last load, where the files are, and a reload after publishing.
 */
export interface ConsoleRules {
  readonly target: string;
  readonly cwd: string;
  readonly current:
    | { ruleSet: RuleSet; byName: ReadonlyMap<string, RuleModel>; version: number; loadedAt: number }
    | undefined;
  readonly problems: readonly RuleProblem[];
  reload(): Promise<boolean>;
}

/** What every endpoint can use: the running kfbot's own store and rules, never a copy. */
export interface ConsoleContext {
  store: Store;
  rules: ConsoleRules;
  log: Logger;
  now: () => number;
  /** How long unanswered texts are kept (KFBOT_UNANSWERED_RETENTION), for what the pages say. */
  unansweredRetentionMs: number;
  /** This replica's id in the store's replica registry: the 规则 page marks its own row. */
  replicaId?: string;
}

export interface ApiRequest {
  query: URLSearchParams;
  /** A POST's JSON body (already CSRF-checked); undefined for GET. */
  body: unknown;
  /** The rest of the path after /console/api/<name>/, e.g. an id. */
  rest: string;
  req: IncomingMessage;
}

/** An answer other than JSON: CSV for download. */
export interface FileAnswer {
  file: { name: string; type: string; body: string | Buffer };
}

export interface ApiEndpoint {
  /** GET reads; POST changes something and needs the CSRF token (x-csrf-token header). */
  method: 'GET' | 'POST';
  /** A POST body larger than the default 64 KB (an uploaded workbook). */
  maxBodyBytes?: number;
  handle(ctx: ConsoleContext, request: ApiRequest): Promise<unknown>;
}

export interface ConsolePage {
  /** Its path: /console/<id>; also the page script's name. */
  id: string;
  /** In the navigation: Chinese first, as operators read it. */
  title: string;
  /** Shown in the navigation (a detail page reached by a link may hide itself). */
  nav: boolean;
  api: Record<string, ApiEndpoint>;
}

/** A request the endpoint refuses, with the status and a message the page shows as is. */
export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function isFileAnswer(value: unknown): value is FileAnswer {
  return typeof value === 'object' && value !== null && 'file' in value;
}
