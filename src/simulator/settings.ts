/**
 * Knobs a test or the sandbox may turn while the simulator runs (sim.settings is live). Defaults
 * are the platform's documented values.
 */
import { SYNC_WITHOUT_TOKEN_PER_MINUTE } from '../wecom/platform-choices.ts';

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
}

export const DEFAULT_SETTINGS: Readonly<SimulatorSettings> = {
  accessTokenTtlSeconds: 7200,
  syncPageSize: 1000,
  syncWithoutTokenPerMinute: SYNC_WITHOUT_TOKEN_PER_MINUTE,
  callbackTimeoutMs: 5000,
  callbackRetries: 3,
  callbackRetryDelayMs: 0,
  verifyUrlTimeoutMs: 1000,
};
