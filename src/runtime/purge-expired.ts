import type { Logger } from 'pino';
import { ACTIVITY_RETENTION_MS } from '../store/activity-log.ts';
import type { Store } from '../store/store.ts';

/** WeCom keeps messages 3 days (§3); dedupe and send records a little longer, then go. */
const RETENTION_MS = 3 * 24 * 3600_000 + 3600_000;

/**
 * Removes what each retention has passed: message and send records, unanswered questions
 * (KFBOT_UNANSWERED_RETENTION), report activity and session records. A failure is logged; the
 * next round tries again.
 */
export async function purgeExpired(
  store: Store,
  log: Logger,
  now: () => number,
  unansweredRetentionMs: number,
): Promise<void> {
  try {
    const removed = await store.purge(now() - RETENTION_MS);
    if (removed.messages || removed.sends)
      log.info(removed, 'purged records older than WeCom’s 3-day retention');
    // With retention 0 nothing new is kept, and whatever an earlier setting kept goes too.
    // 0 purges every group, also those a sandbox's skipped-ahead clock stamped in the future.
    const unanswered = await store.purgeUnanswered(
      unansweredRetentionMs <= 0 ? Number.MAX_SAFE_INTEGER : now() - unansweredRetentionMs,
    );
    if (unanswered) log.info({ unanswered }, 'purged unanswered questions past KFBOT_UNANSWERED_RETENTION');
    const activity = await store.activity.purgeActivity(now() - ACTIVITY_RETENTION_MS);
    if (activity.hours || activity.scores)
      log.info(activity, 'purged report activity (rule outcomes, scores, session ends) past its retention');
    const sessions = await store.sessions.purgeSessions(now() - ACTIVITY_RETENTION_MS);
    if (sessions) log.info({ sessions }, 'purged session records past the activity retention');
  } catch (err) {
    log.warn({ err }, 'purge failed');
  }
}
