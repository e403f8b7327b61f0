/**
 * Runs one sync_msg page's items with bounded concurrency while keeping what must stay ordered:
 *
 * - items of one customer form a lane and run strictly one after another, in page order (a
 *   customer's replies follow their messages; the conversation is read and written in turn);
 * - lanes of different customers run at the same time, at most `concurrency` at once, so a page
 *   costs about (its longest lane) round trips instead of (its items) — and a backend `call:` does
 *   not hold a slot at all: it finishes outside the page (account-backlog.ts);
 * - when a slot frees, the lane whose next item has the shortest deadline goes first: a
 *   welcome_code or closing msg_code lives 20 s, a reply may wait 48 h (§5, §6);
 * - a lane whose item fails stops (its later items must not overtake it); the others finish what
 *   they are doing, and the page's first error is thrown once every lane has settled, so the
 *   caller stores the cursor only when every item has its outcome. A lost lease stops every lane
 *   before its next item.
 */
import { LeaseLostError } from '../store/pull-work.ts';

export interface LaneItem {
  /** The lane: items with the same key run in order. */
  key: string;
  /** Epoch ms by which the item's work must be done (earliest first when slots are scarce). */
  deadline: number;
}

export async function runInLanes<T extends LaneItem>(
  items: readonly T[],
  concurrency: number,
  handle: (item: T) => Promise<void>,
): Promise<void> {
  const lanes = new Map<string, { queue: T[]; order: number }>();
  items.forEach((item, order) => {
    const lane = lanes.get(item.key);
    if (lane) lane.queue.push(item);
    else lanes.set(item.key, { queue: [item], order });
  });
  // Ready lanes, ordered by their next item's deadline, then by page order.
  const ready = [...lanes.values()];
  const byDeadline = (a: { queue: T[]; order: number }, b: { queue: T[]; order: number }) =>
    (a.queue[0]?.deadline ?? 0) - (b.queue[0]?.deadline ?? 0) || a.order - b.order;
  ready.sort(byDeadline);

  let failure: { error: unknown } | undefined;
  let stopAll = false;
  const runLane = async (lane: { queue: T[]; order: number }): Promise<void> => {
    for (let item = lane.queue.shift(); item !== undefined; item = lane.queue.shift()) {
      if (stopAll) return;
      try {
        await handle(item);
      } catch (error) {
        failure ??= { error };
        if (error instanceof LeaseLostError) stopAll = true;
        return;
      }
      // Hand the slot to a lane with an earlier deadline, if one waits.
      const head = ready[0];
      if (head && lane.queue.length > 0 && byDeadline(head, lane) < 0) {
        insertSorted(ready, lane, byDeadline);
        return;
      }
    }
  };
  await new Promise<void>((resolve) => {
    let running = 0;
    const pump = () => {
      while (running < Math.max(1, concurrency) && ready.length > 0 && !stopAll) {
        const lane = ready.shift() as { queue: T[]; order: number };
        running++;
        void runLane(lane).finally(() => {
          running--;
          pump();
        });
      }
      if (running === 0) resolve();
    };
    pump();
  });
  if (failure) throw failure.error;
}

function insertSorted<T>(list: T[], value: T, compare: (a: T, b: T) => number): void {
  let i = list.findIndex((x) => compare(value, x) < 0);
  if (i < 0) i = list.length;
  list.splice(i, 0, value);
}
