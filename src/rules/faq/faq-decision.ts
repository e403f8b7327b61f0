/**
 * What to do with a typed message, given the matcher's ranking (FaqSearch): answer one item, ask
 * between close ones (您是想问), or leave it to the rules — with the items a 猜你想问 menu may offer,
 * unless the message is out of domain. One pure function, so a second scorer (a semantic provider)
 * fuses in through `extra` without touching the rest.
 *
 * Decided from more than the best score (bench/faq, npm run eval:faq, tuning sets):
 * - answered when the best item reaches `threshold` and leads the runner-up by `margin`, or when it
 *   reaches the lower `threshold · RATIO_FLOOR`, explains most of the message (coverage) and the
 *   runner-up is at most `ratio` of it: "实名咋弄" scores 0.39 against 0.13 for the next item —
 *   alone in front, it is meant, although its absolute score is low;
 * - never when most of the message is words no listed question or answer has and the item explains little of
 *   it (unknown words: "健身房有教练吗" in a hotel whose FAQ never says 教练);
 * - nor when contested: a runner-up at CONTESTED_RATIO of the best that explains clearly more of the message
 *   ("加床的话早餐含不含": 早餐 0.78, 加床 0.71 explaining 63 % of it against 36 %) makes it a
 *   clarifying menu: recall decides the score, so a short question meeting a few words can lead the
 *   item the message is about. (Tuning sets: wrong 1.9 → 1.1 %, right directly −0.2 %.)
 * - answered a little lower when the message holds the item's core (FaqCandidate.core): from
 *   CORE_FLOOR of `threshold`, or at it by CORE_LEAD over a runner-up without its own core (tuning
 *   sets: right directly 72.5 → 73.0 %, nothing else moved), and not contested then by a runner-up
 *   without its own core (73.0 → 73.2 %);
 * - nor when a rival holds its core and the best item does not (CORE_RIVAL_RATIO): the message
 *   has what sets the rival apart and nothing that sets the best apart — a clarifying menu;
 * - answered by a lead of only CORE_LEAD when the best item also explains clearly more of the
 *   message than every item near it (AGREEMENT_COVERAGE): both views of the match agree;
 * - a runner-up within `margin` makes it a clarifying menu of the close items, with any other
 *   scoring CLARIFY_RELATIVE of the best;
 * - otherwise 猜你想问 offers the items that ranked near the top (at least 0.4 of the best score and
 *   `suggest`), however low the best is, and any item that explains most of the message
 *   (SUGGEST_COVERAGE), those first when there are more than three (tuning sets: within one click
 *   96.6 → 96.9 %), unless the message is out of domain: nothing scored `outOfDomain` and no
 *   item explains most of it. (Tuning sets: right within one click 95.7 → 96.1 %, out-of-domain
 *   messages offered 猜你想问 67.4 → 68.5 %; direct answers unchanged.)
 * The held-out figures of these choices are in docs/typed-questions.md (Measured).
 */
import type { FaqCandidate, FaqSearch } from './faq-search.ts';

/** The values a decision is made with: calibrated per rule set (faq-calibration.ts) or pinned in settings.faq. */
export interface FaqDecisionSettings {
  /** Least score (0–1) for a direct answer by margin, or for a clarifying menu. */
  threshold: number;
  /** How far the best item must lead the runner-up to be answered without asking. */
  margin: number;
  /** The runner-up at most this share of the best lets a lower best be answered (see RATIO_FLOOR). */
  ratio: number;
  /** Least score for an item to be offered by 猜你想问. */
  suggest: number;
  /** Below this best score the message is out of domain: no 猜你想问. */
  outOfDomain: number;
  /** Weight (0–1) of an `extra` score (a semantic provider's) fused with the lexical one. */
  extraWeight: number;
  /** false: a contested best item is answered all the same (calibration's threshold search, see there). */
  contest?: boolean;
}

export type FaqOutcome =
  /** One item is confidently ahead: answer it as a click. */
  | { type: 'answer'; candidate: FaqCandidate; candidates: FaqCandidate[] }
  /** Several items are close: ask which one was meant. */
  | { type: 'clarify'; options: FaqCandidate[]; candidates: FaqCandidate[] }
  /** Left to the rules; `suggestions` is what a `suggest:` action (猜你想问) offers (empty when out of domain). */
  | { type: 'none'; candidates: FaqCandidate[]; suggestions: FaqCandidate[]; outOfDomain: boolean };

/**
 * An item whose core the message holds (FaqCandidate.core: every feature all its questions share
 * and no other item's question has) is answered from this share of `threshold`…
 */
const CORE_FLOOR = 0.9;
/**
 * …or, at `threshold`, leading by this much a runner-up whose core the message does not hold (the
 * least margin any rule set calibrates to, faq-calibration.ts MARGINS).
 */
const CORE_LEAD = 0.05;

/**
 * The best item at `threshold` is answered by a lead of only CORE_LEAD when it also explains more
 * of the message — AGREEMENT_COVERAGE times as much — than every item within AGREEMENT_SPAN margins
 * of it, and the runner-up does not hold its core while the best does not: the score (led by
 * recall) and the share of the message explained then point at the same item. A calibrated margin
 * of 0.12, which day-one rule files with three questions per item get, otherwise makes a menu of
 * "貓咪洗護要多少錢" (grooming 0.72, explaining 80 % of it, against boarding 0.61 explaining 51 %).
 * An item the clarifying menu offers for explaining as much as the best (CLARIFY_EXPLAINING)
 * disagrees at any score. Tuning sets: right directly 72.0 → 73.6 %, wrong 0.9 → 0.9 %, within one
 * click 97.2 → 97.2 %, unanswerable answered 5.1 → 5.4 % (快递员工资多少: 价格 explains more than
 * 快递员); the six day-one domains 68.6 → 71.6 %. Tried: a lead of 0.03 (no more right answers, the
 * gym's calibrated threshold rose), the best explaining merely as much (two more wrong answers).
 */
const AGREEMENT_SPAN = 1.5;
const AGREEMENT_COVERAGE = 1.1;

/** At most this many items in a clarifying menu or a 猜你想问 menu. */
export const MAX_OPTIONS = 3;
/** A ratio answer needs at least this share of `threshold`. */
export const RATIO_FLOOR = 0.7;
/** …and this share of the message explained by the item. */
const RATIO_COVERAGE = 0.6;
/** …and the message has at least this share of the item's question: a bare 订单 is not 怎么取消订单. */
const RATIO_RECALL = 0.4;

/**
 * No direct answer when this much of the message is unknown words… (0.6 and 0.3 until the second
 * question counted, item-score.ts: scores rose, and so did those of messages about something no item
 * answers. Tuning sets: unanswerable answered 6.4 → 5.0 %, wrong 1.0 → 0.8 %, within one click
 * 97.0 → 97.3 %, right directly 72.9 → 72.5 %: 猜你想问 still offers the item.)
 */
const ANSWER_UNKNOWN_SHARE = 0.55;
/** …and the best item explains less than this of it: "健身房有教练吗" is not the gym's opening hours. */
const ANSWER_UNKNOWN_COVERAGE = 0.4;
/** 猜你想问 also offers an item that explains this share of the message… */
const SUGGEST_COVERAGE = 0.6;
/** …as long as its question meets the message at all (a score above noise). */
const SUGGEST_COVERAGE_FLOOR = 0.1;
/** 猜你想问 offers items scoring at least this share of the best. */
const SUGGEST_RELATIVE = 0.4;
/**
 * A runner-up at least this share of the best… (0.85 and 0.05 until 2026-12-08: a runner-up
 * explaining clearly more contests from further behind, one explaining a little more no longer
 * does — "科目四过了以后驾照去哪里领": the licence item, 0.79 of theory's score, explains 48 % of it
 * against 30 %. Tuning sets: wrong 0.6 → 0.5 %, unanswerable answered 5.3 → 5.0 %, right directly
 * 75.0 → 75.1 %, within one click 97.3 → 97.4 %.)
 */
const CONTESTED_RATIO = 0.75;
/** …that explains this much more of the message than the best contests a direct answer: ask instead. */
const CONTESTED_COVERAGE = 0.15;
/**
 * A rival holding its own core (FaqCandidate.core: the words all its questions share and no other
 * item has) while the best item does not contests a direct answer from this share of the best
 * score: the message has what sets the rival apart and nothing that sets the best apart — the best
 * leads on words the two share or on asking words, as items sharing nouns do ("有没有去机场的车":
 * parking 0.54 on 车, against the shuttle 0.46 holding 机场, its core). Tuning sets: wrong
 * 0.8 → 0.6 %, right within one click 97.1 → 97.3 %, right directly unchanged (75.0 %).
 */
const CORE_RIVAL_RATIO = 0.7;
/** A clarifying menu also offers items scoring at least this share of the best (not only those within margin). */
const CLARIFY_RELATIVE = 0.8;
/**
 * …and any item that explains as much of the message as the best and scores at least this share of
 * it: recall decides the score, so the item a long message is about can trail short questions that
 * share a few of its words ("我刚下单寄了个件，结果发现小区名字写错了…能帮我改一下吗": 寄件 0.61 and
 * 发票 0.49 lead 改地址 0.47, which explains more of it). Tuning sets: within one click +0.1 %.
 */
const CLARIFY_EXPLAINING = 0.4;

/**
 * 猜你想问's items: those near the top (SUGGEST_RELATIVE of the best and `suggest`) and those that
 * explain most of the message, the latter first when there are more than MAX_OPTIONS, shown best
 * first. An item the message is about may rank below two that share its asking words
 * ("导盲犬可以进吗": the pets item, whose answer speaks of 导盲犬, ranked fourth).
 */
function suggestions(
  candidates: readonly FaqCandidate[],
  s: FaqDecisionSettings,
  explains: (c: FaqCandidate) => boolean,
): FaqCandidate[] {
  const best = candidates[0]?.score ?? 0;
  const explaining = candidates.filter((c) => explains(c) && c.score >= SUGGEST_COVERAGE_FLOOR);
  const near = candidates.filter(
    (c) => c.score >= s.suggest && c.score >= best * SUGGEST_RELATIVE && !explaining.includes(c),
  );
  const chosen = [...explaining, ...near].slice(0, MAX_OPTIONS);
  return candidates.filter((c) => chosen.includes(c));
}

/**
 * Per-item extra scores (0–1, by click id) fused with the lexical ones: score = (1 − w)·lexical +
 * w·extra. An item only the extra scorer found enters with lexical 0. Best first again after.
 */
export function fuseScores(
  candidates: readonly FaqCandidate[],
  extra: ReadonlyMap<string, number>,
  weight: number,
  label: (id: string) => string | undefined,
): FaqCandidate[] {
  const out = candidates.map((c) => ({
    ...c,
    score: round((1 - weight) * c.score + weight * (extra.get(c.id) ?? 0)),
  }));
  for (const [id, score] of extra) {
    const itemLabel = label(id);
    if (itemLabel === undefined || out.some((c) => c.id === id)) continue;
    out.push({ id, label: itemLabel, score: round(weight * score), question: '', coverage: 0, recall: 0 });
  }
  return out.sort((a, b) => b.score - a.score);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function decideFaq(search: FaqSearch, s: FaqDecisionSettings): FaqOutcome {
  const { candidates } = search;
  const [top, second] = candidates;
  // An item that explains most of the message is offered however low its score: the message is
  // about it even when its questions say little of what was asked ("导盲犬可以进吗" and the pets
  // item whose answer speaks of 导盲犬).
  const explains = (c: FaqCandidate) => c.coverage >= SUGGEST_COVERAGE;
  const none = (outOfDomain: boolean): FaqOutcome => ({
    type: 'none',
    candidates,
    outOfDomain,
    suggestions: outOfDomain ? [] : suggestions(candidates, s, explains),
  });
  if (!top) return none(true);
  const runnerUp = second?.score ?? 0;
  // An item the clarifying menu would offer for what it explains (see CLARIFY_EXPLAINING).
  const explainsAsMuch = (c: FaqCandidate) =>
    c.coverage >= top.coverage && c.score >= CLARIFY_EXPLAINING * top.score;
  // Both views of the match agree (the score, led by recall, and how much of the message the item
  // explains): a smaller lead will do.
  const agrees =
    candidates.every(
      (c) =>
        c === top ||
        top.coverage >= AGREEMENT_COVERAGE * c.coverage ||
        (top.score - c.score >= AGREEMENT_SPAN * s.margin && !explainsAsMuch(c)),
    ) && !(second?.core === true && top.core !== true);
  const byMargin =
    top.score >= s.threshold && top.score - runnerUp >= (agrees ? Math.min(s.margin, CORE_LEAD) : s.margin);
  const byRatio =
    top.score >= s.threshold * RATIO_FLOOR &&
    runnerUp <= s.ratio * top.score &&
    top.coverage >= RATIO_COVERAGE &&
    top.recall >= RATIO_RECALL;
  const unexplained = search.unknown >= ANSWER_UNKNOWN_SHARE && top.coverage < ANSWER_UNKNOWN_COVERAGE;
  // …unless the message holds the best item's core and not the runner-up's: the words it explains
  // more of are then not its own ("办一张卡别的店也能用吗": 店, the branches item's core, against
  // 转卡, whose 卡 the message shares with every card item).
  const coreRival =
    top.core === true
      ? undefined
      : candidates.find((c) => c !== top && c.core === true && c.score >= CORE_RIVAL_RATIO * top.score);
  const contested =
    (second !== undefined &&
      second.score >= CONTESTED_RATIO * top.score &&
      second.coverage >= top.coverage + CONTESTED_COVERAGE &&
      !(top.core === true && second.core !== true)) ||
    coreRival !== undefined;
  const close = () =>
    candidates.filter(
      (c) =>
        top.score - c.score < s.margin ||
        c.score >= CLARIFY_RELATIVE * top.score ||
        (contested && (c === second || c === coreRival)) ||
        explainsAsMuch(c),
    );
  const clarify = (): FaqOutcome => ({
    type: 'clarify',
    options: close().slice(0, MAX_OPTIONS),
    candidates,
  });
  // The message has what every question of the best item says and no other item's question has
  // (its core): a second view of the same match, so it is answered a little below the threshold, or
  // by a smaller lead over a runner-up without its own core.
  const lead = top.score - runnerUp;
  const byCore =
    top.core === true &&
    ((top.score >= s.threshold * CORE_FLOOR && lead >= s.margin && top.recall >= RATIO_RECALL) ||
      (top.score >= s.threshold && lead >= CORE_LEAD && second?.core !== true));
  if ((byMargin || byRatio || byCore) && !unexplained) {
    if (!contested || s.contest === false) return { type: 'answer', candidate: top, candidates };
    return clarify();
  }
  if (top.score >= s.threshold && close().length > 1) return clarify();
  // Unknown words alone do not make a message out of domain here: in a small FAQ most words of
  // any message are unknown, and 猜你想问 costs a wrong guess only a glance.
  return none(
    search.empty ||
      (top.score < s.outOfDomain &&
        !candidates.some((c) => explains(c) && c.score >= SUGGEST_COVERAGE_FLOOR)),
  );
}
