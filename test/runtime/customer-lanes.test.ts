import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runInLanes } from '../../src/runtime/customer-lanes.ts';
import { LeaseLostError } from '../../src/store/pull-work.ts';

interface Item {
  key: string;
  deadline: number;
  id: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('runInLanes', () => {
  it('keeps each customer’s items in order and never runs more than the concurrency at once, whatever each takes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ customer: fc.integer({ min: 0, max: 6 }), ticks: fc.integer({ min: 0, max: 4 }) }),
          {
            maxLength: 40,
          },
        ),
        fc.integer({ min: 1, max: 5 }),
        async (spec, concurrency) => {
          const items = spec.map((s, id) => ({ key: `c${s.customer}`, deadline: 0, id, ticks: s.ticks }));
          const done: number[] = [];
          let running = 0;
          let most = 0;
          const busy = new Set<string>();
          await runInLanes(items, concurrency, async (item) => {
            expect(busy.has(item.key)).toBe(false); // one item of a customer at a time
            busy.add(item.key);
            running++;
            most = Math.max(most, running);
            for (let i = 0; i < item.ticks; i++) await tick();
            running--;
            busy.delete(item.key);
            done.push(item.id);
          });
          expect(done.sort((a, b) => a - b)).toEqual(items.map((i) => i.id));
          expect(most).toBeLessThanOrEqual(concurrency);
          for (const key of new Set(items.map((i) => i.key))) {
            const order = done.filter((id) => items[id]?.key === key);
            expect(order).toEqual([...order].sort((a, b) => a - b));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives a free slot to the shortest deadline first (a welcome code before replies)', async () => {
    const items: Item[] = [
      { key: 'a', deadline: 48, id: 0 },
      { key: 'b', deadline: 48, id: 1 },
      { key: 'c', deadline: 20, id: 2 },
      { key: 'd', deadline: 20, id: 3 },
    ];
    const started: number[] = [];
    await runInLanes(items, 1, async (item) => {
      started.push(item.id);
    });
    expect(started).toEqual([2, 3, 0, 1]);
  });

  it('a failing customer stops its own lane; the others finish, then the error is thrown', async () => {
    const items: Item[] = [
      { key: 'a', deadline: 0, id: 0 },
      { key: 'a', deadline: 0, id: 1 },
      { key: 'b', deadline: 0, id: 2 },
      { key: 'b', deadline: 0, id: 3 },
    ];
    const done: number[] = [];
    await expect(
      runInLanes(items, 2, async (item) => {
        if (item.id === 0) throw new Error('outcome unknown');
        await tick();
        done.push(item.id);
      }),
    ).rejects.toThrow('outcome unknown');
    expect(done).toEqual([2, 3]); // a's second item never overtook its first
  });

  it('a lost lease stops every lane before its next item', async () => {
    const items: Item[] = [
      { key: 'a', deadline: 0, id: 0 },
      { key: 'b', deadline: 0, id: 1 },
      { key: 'b', deadline: 0, id: 2 },
      { key: 'c', deadline: 0, id: 3 },
    ];
    const started: number[] = [];
    await expect(
      runInLanes(items, 2, async (item) => {
        started.push(item.id);
        if (item.id === 0) throw new LeaseLostError('wk1');
        await tick();
      }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    // b's first item was already in flight; nothing started after the lease was lost.
    expect(started).toEqual([0, 1]);
  });
});
