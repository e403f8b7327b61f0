/**
 * Knobs a test or the sandbox may turn while the simulator runs (sim.settings is live). Defaults
 * are the platform's documented values.
 */
import {
  API_RATE_LIMITS,
  CONCURRENT_CALLS_PER_API,
  SYNC_WITHOUT_TOKEN_PER_MINUTE,
} from '../wecom/platform-choices.ts';
import type { RateLimit } from './api-limits.ts';

export interface SimulatorSettings {
  /** gettoken expires_in (§1: "normally 7200 s"). */
  accessTokenTtlSeconds: number;
  /** The most items one sync_msg page holds, whatever `limit` says (§3: "fewer may come back"). ≤1000. */
  syncPageSize: number;
  /** sync_msg pulls without a callback token per open_kfid per minute before 45009 (§3 "strict"). */
  syncWithoutTokenPerMinute: number;
  /** A callback not answered within this is a failure (§2.3: 5 s). Real time. */
  callbackTimeoutMs: number;
  /** Re-sends after a failed callback (§2.3: "3 retries in total"). */
  callbackRetries: number;
  /** Pause between a failed callback attempt and its re-send. Real time. */
  callbackRetryDelayMs: number;
  /** URL verification must be answered within this (§2.2: 1 s). Real time. */
  verifyUrlTimeoutMs: number;
  /**
   * Round-trip time of every API call, real time: half before the call takes effect, half after
   * (50 ms is a realistic round trip from a server in mainland China to the API). Default 0.
   */
  latencyMs: number;
  /** Each call's round trip is drawn uniformly from latencyMs ± latencyJitterMs (at least 0). */
  latencyJitterMs: number;
  /**
   * Per-API frequency limits for the enterprise (§3: 10,000 a minute, 150,000 an hour); past one,
   * that API answers 45009 for the window's length. Scale both numbers down in tests.
   */
  rateLimits: readonly RateLimit[];
  /** Calls of one API in flight at once before 45033 (not documented; platform-choices.ts). */
  maxConcurrentCalls: number;
  /**
   * 企业可信IP: when set, an API call from any other address is refused with 60020, whose errmsg
   * names the IP WeCom saw (§8, §9.22). Default undefined: every address is trusted.
   */
  trustedIps?: readonly string[] | undefined;
}

export const DEFAULT_SETTINGS: Readonly<SimulatorSettings> = {
  accessTokenTtlSeconds: 7200,
  syncPageSize: 1000,
  syncWithoutTokenPerMinute: SYNC_WITHOUT_TOKEN_PER_MINUTE,
  callbackTimeoutMs: 5000,
  callbackRetries: 3,
  callbackRetryDelayMs: 0,
  verifyUrlTimeoutMs: 1000,
  latencyMs: 0,
  latencyJitterMs: 0,
  rateLimits: API_RATE_LIMITS,
  maxConcurrentCalls: CONCURRENT_CALLS_PER_API,
};
