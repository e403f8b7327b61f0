/**
 * An item's score from its listed questions' scores (faq-scorer.ts): its best question's, raised
 * by its second best's.
 */

/**
 * How much an item's second-best listed question adds to its best one's score s: s + w·s₂·(1 − s),
 * so it never passes 1 and an item met by one question alone keeps that question's score. Two
 * phrasings of the same item meeting a message are more evidence than one: "接机多少钱" meets
 * 早餐多少钱 and 加床多少钱 on 多少钱, one question each, and the shuttle on 机 in both 机场接送 and
 * 有接机服务吗 — the shuttle now leads. Tuning sets (npm run eval:faq -- --tuning), with the
 * calibration's stricter threshold (faq-calibration.ts): right item ranked first 88.8 → 89.9 %,
 * right directly 70.1 → 72.9 %, unanswerable answered 6.7 → 6.4 %, wrong 1.0 → 1.0 %.
 */
export const OTHER_QUESTION = 0.5;

export function withOtherQuestion(best: number, second: number): number {
  return best + OTHER_QUESTION * second * (1 - best);
}

/**
 * The least score an item's best question must have for the item to score `target` (its second
 * question at most as good): what validate's near-duplicate filter bounds (near-duplicates.ts).
 */
export function leastBestQuestion(target: number): number {
  const w = OTHER_QUESTION;
  return (1 + w - Math.sqrt((1 + w) ** 2 - 4 * w * target)) / (2 * w);
}
