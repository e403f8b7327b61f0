/**
 * What the reports on the activity log share: they read whole days of the rules' settings.timezone
 * (or --timezone) and show a row per day and account — the days the console's overview shows,
 * formed by the same functions (activity-days.ts).
 */
import { activityDay, daysQuery } from '../../store/activity-days.ts';
import { ACTIVITY_RETENTION_MS, type ActivityQuery } from '../../store/activity-log.ts';
import type { ReportQuery } from './define-report.ts';

/** For each report's --help. */
export const DAYS_NOTE = `Days are dates in the rules' settings.timezone (or --timezone): --since counts whole days,
from the day it reaches back to. kfbot keeps this activity ${ACTIVITY_RETENTION_MS / 86_400_000} days.`;

/** The store's query for the report's --since, --account and timezone. */
export function activityQuery(query: ReportQuery): ActivityQuery {
  return daysQuery(query.timezone, activityDay(query.since, query.timezone), undefined, query.account);
}
