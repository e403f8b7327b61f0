/**
 * Fault injection: make the next matching request(s) fail the ways the real platform and network
 * do (wecom-kf.md §8: -1 busy, 45033; §3 has_more with an empty list; timeouts and resets that
 * leave a send's outcome unknown, §9.12). Faults are consumed in the order they were injected.
 */
import type { ApiName } from './api-names.ts';
import { SimulatorUsageError } from './usage-error.ts';

export interface FaultSpec {
  api: ApiName | '*';
  /** How many matching requests it hits; default 1. Infinity for "until cleared". */
  times?: number;
  /** Answer HTTP 200 with this errcode (and `errmsg`, default a WeCom-shaped text). */
  errcode?: number;
  errmsg?: string;
  /** Answer with this HTTP status (with the errcode JSON if `errcode` is set, else an HTML error page). */
  httpStatus?: number;
  /**
   * Wait this long (real time): before handling the request, or with `apply` after performing it
   * and before answering. Combine with a client timeout to simulate one.
   */
  delayMs?: number;
  /** Drop the TCP connection (RST) instead of answering. */
  resetConnection?: boolean;
  /**
   * Perform the request for real (a send is delivered, a trans happens), then fail the response
   * as above, or only answer it after `delayMs`: the "outcome unknown" case (§9.12).
   */
  apply?: boolean;
  /** kf/sync_msg only: answer errcode 0, has_more 1 and an empty msg_list (§3), cursor unchanged. */
  emptyPage?: boolean;
  /** Only requests whose parsed body (JSON, or undefined) and query satisfy this are hit. */
  match?: (body: unknown, query: URLSearchParams) => boolean;
}

export interface ActiveFault {
  readonly id: number;
  readonly spec: FaultSpec;
  remaining: number;
  hits: number;
}

export function describeFault(spec: FaultSpec): string {
  const parts = [
    spec.errcode !== undefined && `errcode ${spec.errcode}`,
    spec.httpStatus !== undefined && `HTTP ${spec.httpStatus}`,
    spec.resetConnection && 'connection reset',
    spec.emptyPage && 'empty page with has_more',
    spec.delayMs !== undefined && `delay ${spec.delayMs} ms`,
    spec.apply && 'after applying',
  ].filter((p): p is string => typeof p === 'string');
  return `injected fault on ${spec.api}: ${parts.join(', ')}`;
}

export class FaultInjector {
  readonly #active: ActiveFault[] = [];
  #nextId = 1;

  inject(spec: FaultSpec): ActiveFault {
    const times = spec.times ?? 1;
    if (!(times >= 1)) throw new SimulatorUsageError('BAD_ARGUMENT', 'fault times must be ≥ 1');
    const failure =
      spec.errcode !== undefined || spec.httpStatus !== undefined || spec.resetConnection === true;
    if (!failure && spec.delayMs === undefined && !spec.emptyPage) {
      throw new SimulatorUsageError(
        'BAD_ARGUMENT',
        'a fault needs errcode, httpStatus, resetConnection, delayMs or emptyPage',
      );
    }
    if (spec.apply && !failure && spec.delayMs === undefined) {
      throw new SimulatorUsageError(
        'BAD_ARGUMENT',
        'apply needs errcode, httpStatus, resetConnection or delayMs to spoil the response with',
      );
    }
    if (spec.emptyPage && spec.api !== 'kf/sync_msg') {
      throw new SimulatorUsageError('BAD_ARGUMENT', 'emptyPage applies to kf/sync_msg only');
    }
    const fault = { id: this.#nextId++, spec, remaining: times, hits: 0 };
    this.#active.push(fault);
    return fault;
  }

  clear(): void {
    this.#active.length = 0;
  }

  get pending(): readonly ActiveFault[] {
    return this.#active;
  }

  /** The first fault matching this request, consumed once; undefined when none matches. */
  take(api: ApiName, body: unknown, query: URLSearchParams): ActiveFault | undefined {
    const i = this.#active.findIndex(
      (f) => (f.spec.api === '*' || f.spec.api === api) && (f.spec.match?.(body, query) ?? true),
    );
    const fault = this.#active[i];
    if (fault === undefined) return undefined;
    fault.remaining--;
    fault.hits++;
    if (fault.remaining <= 0) this.#active.splice(i, 1);
    return fault;
  }
}
