/**
 * Erasing one customer's data on request (个人信息保护法, PIPL art. 47): `kfbot forget
 * <external_userid>` and the console's button. Everything kfbot keeps that names the customer or
 * holds what they wrote goes, on every account:
 *
 * - their conversation (state, variables, counters, cached nickname) and its idle timer;
 * - their message and send records (kept 3 days for exactly-once; they hold the replies' bodies);
 * - their session records (every message of every session);
 * - unanswered-question groups whose example is a text they wrote (the group goes whole: its
 *   example is their words; other customers' sightings were only a tally);
 * - records set aside as unreadable that name them.
 *
 * Satisfaction scores and session ends are kept for the reports' counts but anonymised: their
 * customer id is replaced by a random one no record links to them, so the CSAT average and the
 * session counts of past days do not change. Rule hit counts never named anyone.
 */

export interface ForgetReport {
  conversations: number;
  idleTimers: number;
  messages: number;
  sends: number;
  sessions: number;
  unanswered: number;
  keptAside: number;
  /** Scores and session ends whose customer id was replaced by an anonymous one. */
  anonymisedScores: number;
  anonymisedSessionEnds: number;
}

export interface CustomerEraser {
  /** Erases (or anonymises) everything kept about the customer; says how much of each. */
  forgetCustomer(externalUserId: string): Promise<ForgetReport>;
}

/** A customer id that names nobody: what anonymised scores and session ends carry instead. */
export function anonymousId(random: () => string): string {
  return `erased-${random()}`;
}

/** "2 conversations, 14 session messages, …": what was erased, for the CLI and the console. */
export function describeForget(r: ForgetReport): string {
  const parts = [
    [r.conversations, 'conversation state'],
    [r.idleTimers, 'idle timers'],
    [r.messages, 'message records'],
    [r.sends, 'send records'],
    [r.sessions, 'sessions'],
    [r.unanswered, 'unanswered-question groups'],
    [r.keptAside, 'set-aside records'],
    [r.anonymisedScores, 'satisfaction scores anonymised'],
    [r.anonymisedSessionEnds, 'session ends anonymised'],
  ] as const;
  return parts.map(([n, what]) => `${n} ${what}`).join(', ');
}

/**
 * describeForget for the console, in Chinese: the parts that held something (an operator asks
 * "was anything kept?", not for a row of zeros), or that kfbot kept nothing about the customer.
 */
export function describeForgetZh(r: ForgetReport): string {
  const parts = [
    [r.conversations, '条会话状态'],
    [r.idleTimers, '个闲置计时'],
    [r.messages, '条消息记录'],
    [r.sends, '条发送记录'],
    [r.sessions, '个会话'],
    [r.unanswered, '组未答问题'],
    [r.keptAside, '条搁置记录'],
    [r.anonymisedScores, '条满意度评分已匿名'],
    [r.anonymisedSessionEnds, '条会话结束记录已匿名'],
  ] as const;
  const held = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return held.length ? held.join('、') : 'kfbot 没有保存这位客户的数据';
}
