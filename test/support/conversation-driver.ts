import type { WeComSimulator } from '../../src/simulator/index.ts';

export interface DriveOptions {
  /** Messages to send in all. */
  total: number;
  customers: number;
  /** Messages one customer may have unanswered at once (WeCom allows 5 replies per newest message). */
  window: number;
  /** Called whenever another tenth of the messages has been answered. */
  onProgress?: (answered: number, seconds: number) => Promise<void> | void;
  /** Give up when no answer arrives for this long. */
  stallMs?: number;
}

export interface DriveResult {
  answered: number;
  seconds: number;
  /** Customers whose replies were not exactly one per message, in order (the echo rule's text). */
  wrong: string[];
}

/**
 * Plays many customers talking to the bot (echo rules: "收到：<text>"), each keeping at most
 * `window` messages unanswered, until `total` messages are answered. Used by the soak run and the
 * benchmarks.
 */
export async function driveConversations(sim: WeComSimulator, opts: DriveOptions): Promise<DriveResult> {
  const accounts = sim.accounts.map((a) => a.openKfId);
  const customers = Array.from({ length: opts.customers }, (_, i) => ({
    openKfId: accounts[i % accounts.length] as string,
    id: `wmDrive${String(i).padStart(5, '0')}`,
    sent: 0,
    answered: 0,
  }));
  const byId = new Map(customers.map((c) => [c.id, c]));
  let answered = 0;
  const stop = sim.onSent((m) => {
    const c = byId.get(m.externalUserId);
    if (!c) return;
    c.answered++;
    answered++;
  });
  let sent = 0;
  const started = performance.now();
  let lastReport = 0;
  let lastProgress = performance.now();
  let lastAnswered = 0;
  while (answered < opts.total) {
    for (const c of customers) {
      while (sent < opts.total && c.sent - c.answered < opts.window) {
        sim.customerSays({ openKfId: c.openKfId, externalUserId: c.id, text: `echo ${c.id} #${c.sent}` });
        c.sent++;
        sent++;
      }
    }
    await new Promise((r) => setTimeout(r, 5));
    if (answered !== lastAnswered) {
      lastAnswered = answered;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > (opts.stallMs ?? 60_000)) {
      break;
    }
    if (answered - lastReport >= opts.total / 10) {
      lastReport = answered;
      await opts.onProgress?.(answered, (performance.now() - started) / 1000);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  stop();
  await new Promise((r) => setTimeout(r, 1000)); // anything doubled would arrive now
  const wrong = customers
    .filter((c) => {
      const replies = sim.sent(c.openKfId, c.id).map((m) => (m.content.text as { content: string }).content);
      return replies.length !== c.sent || replies.some((r, i) => r !== `收到：echo ${c.id} #${i}`);
    })
    .map((c) => c.id);
  return { answered, seconds, wrong };
}
