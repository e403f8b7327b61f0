/**
 * Idle timers at WeCom's pace: N customers each get an answer, then go quiet together; the clock
 * jumps past their reminder and the bench measures how long until every reminder is sent, with a
 * 50 ms API round trip, one customer at a time (KFBOT_CONCURRENCY=1) next to the default 16.
 * Timers go through the same lanes as messages, so they should scale the same way.
 *
 *   npm run bench:idle            IDLE_CUSTOMERS=400 by default
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, MINUTE, startSimulator } from '../src/simulator/index.ts';
import { startInProcess } from '../test/support/in-process-kfbot.ts';
import { markdownTable } from './decide.ts';
import { LATENCY_MS } from './real-pace.ts';

const CUSTOMERS = Number(process.env.IDLE_CUSTOMERS ?? 400);
const RULES = `
rules:
  - { name: 复述, when: { text: { any: [echo] } }, then: [ { reply: 收到 } ] }
  - { name: 提醒, when: { kind: idle, idle_for: 5m }, then: [ { reply: 您还在吗？ } ] }
`;

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

export async function idleBurst(concurrency: number): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-bench-idle-'));
  writeFileSync(join(dir, 'rules.yaml'), RULES);
  const clock = new ManualClock(Date.now());
  const sim = await startSimulator({ clock, settings: { latencyMs: LATENCY_MS } });
  const bot = await startInProcess(sim, {
    config: { rules: dir, concurrency, logLevel: 'warn' },
    now: () => clock.now(),
  });
  try {
    for (let i = 0; i < CUSTOMERS; i++) sim.customerSays({ text: `echo ${i}` });
    await until(() => sim.sent().length >= CUSTOMERS);
    await bot.app.work.idle();
    clock.advance(5 * MINUTE);
    const started = performance.now();
    bot.app.idle.wake();
    await until(() => sim.sent().length >= 2 * CUSTOMERS);
    const seconds = (performance.now() - started) / 1000;
    const reminders = sim
      .sent()
      .filter((m) => (m.content.text as { content?: string })?.content === '您还在吗？');
    const perCustomer = new Map<string, number>();
    for (const m of reminders)
      perCustomer.set(m.externalUserId, (perCustomer.get(m.externalUserId) ?? 0) + 1);
    return {
      concurrency,
      customers: CUSTOMERS,
      'all reminders sent, s': Number(seconds.toFixed(1)),
      'reminders per second': Math.round(CUSTOMERS / seconds),
      'each exactly once':
        perCustomer.size === CUSTOMERS && [...perCustomer.values()].every((n) => n === 1) ? 'yes' : 'NO',
    };
  } finally {
    await bot.close();
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = [await idleBurst(1), await idleBurst(16)];
  process.stdout.write(
    `## ${CUSTOMERS} customers' reminders falling due together, ${LATENCY_MS} ms API round trip\n\n${markdownTable(rows)}\n`,
  );
}
