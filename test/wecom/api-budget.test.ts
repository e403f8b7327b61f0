import { describe, expect, it } from 'vitest';
import { BudgetClosedError, budgetLimits, SlidingBuckets } from '../../src/wecom/api-budget.ts';
import { LocalApiBudget } from '../../src/wecom/local-api-budget.ts';

describe('SlidingBuckets', () => {
  it('never admits more than max calls in any window, wherever the calls fall', () => {
    const w = new SlidingBuckets({ max: 5, windowMs: 60_000 });
    const admitted: number[] = [];
    for (let t = 0; t < 300_000; t += 997) {
      if (w.waitMs(t) === 0) {
        w.add(t);
        admitted.push(t);
      }
    }
    for (const t of admitted) {
      expect(admitted.filter((u) => u > t - 60_000 && u <= t).length).toBeLessThanOrEqual(5);
    }
    expect(admitted.length).toBeGreaterThan(15); // and it does admit calls again as the window moves
  });

  it('says how long until the oldest counted calls leave the window', () => {
    const w = new SlidingBuckets({ max: 2, windowMs: 60_000 });
    w.add(0);
    w.add(500);
    expect(w.waitMs(1000)).toBe(61_000 - 1000);
    expect(w.waitMs(61_000)).toBe(0);
  });
});

describe('budgetLimits', () => {
  it('keeps the margin free below each limit', () => {
    expect(budgetLimits([{ max: 10_000, windowMs: 60_000 }], 5)).toEqual([{ max: 9_500, windowMs: 60_000 }]);
  });
});

describe('LocalApiBudget', () => {
  it('answers false at once for a call that cannot get room before its deadline, spending nothing', async () => {
    let now = 1_000_000;
    const budget = new LocalApiBudget([{ max: 1, windowMs: 60_000 }], () => now);
    expect(await budget.take('kf/send_msg_on_event', now + 20_000)).toBe(true);
    expect(await budget.take('kf/send_msg_on_event', now + 20_000)).toBe(false);
    // Another API has its own budget.
    expect(await budget.take('kf/send_msg', now + 20_000)).toBe(true);
    now += 61_000;
    expect(await budget.take('kf/send_msg_on_event', now + 20_000)).toBe(true);
  });

  it('admits waiting calls earliest deadline first', async () => {
    const budget = new LocalApiBudget([{ max: 1, windowMs: 120 }]);
    expect(await budget.take('kf/send_msg')).toBe(true);
    const order: string[] = [];
    const replies = [
      budget.take('kf/send_msg', Date.now() + 3_600_000).then(() => order.push('reply 1')),
      budget.take('kf/send_msg', Date.now() + 3_600_000).then(() => order.push('reply 2')),
      budget.take('kf/send_msg', Date.now() + 60_000).then(() => order.push('sooner')),
    ];
    await Promise.all(replies);
    expect(order).toEqual(['sooner', 'reply 1', 'reply 2']);
  });

  it('a pause holds every call of that API until it ends', async () => {
    let now = 0;
    const budget = new LocalApiBudget([{ max: 100, windowMs: 60_000 }], () => now);
    await budget.pause('kf/send_msg', 60_000);
    expect(await budget.take('kf/send_msg', 20_000)).toBe(false);
    now = 60_000;
    expect(await budget.take('kf/send_msg', 80_000)).toBe(true);
  });

  it('close() releases calls waiting out a block, so shutdown does not wait an hour', async () => {
    const budget = new LocalApiBudget([{ max: 100, windowMs: 60_000 }]);
    await budget.pause('kf/send_msg', Date.now() + 3_600_000);
    const waiting = budget.take('kf/send_msg');
    budget.close();
    await expect(waiting).rejects.toBeInstanceOf(BudgetClosedError);
  });
});
