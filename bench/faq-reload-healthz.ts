/**
 * `npm run bench:faq-reload`: how long /healthz waits while a big FAQ (1,000 items × 10 相似问法)
 * loads, side by side: the load on the event loop as before (`loadRules`) and off it as serve
 * loads now (`loadRulesOffThread`, a worker thread builds index, calibration and checks). This
 * process serves /healthz; a thread of its own asks it every 10 ms during each load; also the
 * longest the event loop stood still and how long each load took.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadRules } from '../src/rules/load-rules.ts';
import { loadRulesOffThread } from '../src/rules/load-rules-off-thread.ts';
import { bigFaqYaml } from '../test/e2e/big-faq-rules.ts';

/** Asks /healthz every 10 ms (a health checker's pace) until told to stop; reports the slowest answer. */
const PINGER = `
const { parentPort, workerData: url } = require('node:worker_threads');
let done = false, max = 0, answered = 0;
parentPort.on('message', () => { done = true; });
(async () => {
  await fetch(url).then((r) => r.text());
  parentPort.postMessage('ready');
  while (!done) {
    const t = performance.now();
    await fetch(url).then((r) => r.text());
    max = Math.max(max, performance.now() - t);
    answered++;
    await new Promise((r) => setTimeout(r, 10));
  }
  parentPort.postMessage({ max, answered });
})();
`;

export async function measureReloadHealthz() {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-faq-reload-'));
  writeFileSync(join(dir, 'rules.yaml'), bigFaqYaml(1000, 10));
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  const rows: Record<string, string | number>[] = [];
  const paths = [
    ['on the event loop (before: loadRules)', async () => loadRules(dir)],
    ['off it (now: loadRulesOffThread)', () => loadRulesOffThread(dir)],
  ] as const;
  for (const [name, load] of paths) {
    // The health checker runs on its own thread, as a load balancer's would: a stalled event loop
    // here shows as a slow answer there, not as a request never sent.
    const pinger = new Worker(PINGER, { eval: true, workerData: url });
    await new Promise((r) => pinger.once('message', r));
    // The longest gap between ticks of a 5 ms timer: how long the event loop stood still.
    let last = performance.now();
    let stall = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last);
      last = now;
    }, 5);
    const t = performance.now();
    const loaded = await load();
    const took = performance.now() - t;
    // One more tick, so a stall that lasted until the load's end is counted.
    await new Promise((r) => setTimeout(r, 20));
    clearInterval(ticker);
    pinger.postMessage('stop');
    const { max, answered } = await new Promise<{ max: number; answered: number }>((r) =>
      pinger.once('message', r),
    );
    await pinger.terminate();
    if (!loaded.ruleSet?.faq) throw new Error(`${name}: the big FAQ did not load`);
    rows.push({
      load: name,
      'load (ms)': Math.round(took),
      '/healthz max latency (ms)': Math.round(max),
      '/healthz answered': answered,
      'event loop max stall (ms)': Math.round(stall),
    });
  }
  server.close();
  rows.push({ 'load average (1 min) at the end': Number(loadavg()[0]?.toFixed(2)) });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await measureReloadHealthz()) process.stdout.write(`${JSON.stringify(r)}\n`);
}
