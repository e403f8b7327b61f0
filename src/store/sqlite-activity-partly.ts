/**
 * Schema 16: replies a rule delivered in part (activity-log.ts PartDelivery), one row per UTC day,
 * account and rule holding the day's 24 hourly counts like rule_outcomes (sqlite-activity-daily.ts):
 * the messages, and the parts sent of the parts they had. Before it, such a reply was a miss.
 */
import { HOURS_OF_DAY, hourColumn } from './sqlite-activity-daily.ts';

const columns = (measure: 'messages' | 'sent' | 'parts') =>
  HOURS_OF_DAY.map((_, h) => `${hourColumn(measure, h)} INTEGER NOT NULL DEFAULT 0`).join(',\n  ');

export const PARTLY_DELIVERED_SCHEMA = `
CREATE TABLE partly_delivered (
  day TEXT NOT NULL,
  open_kfid TEXT NOT NULL,
  rule TEXT NOT NULL,
  ${columns('messages')},
  ${columns('sent')},
  ${columns('parts')},
  PRIMARY KEY (day, open_kfid, rule)
) WITHOUT ROWID;
`;
