/**
 * The soak run (`npm run soak`; .ci/run runs it after the tests): 100,000 customer messages through
 * the whole pipeline on loopback — signed callbacks, sync_msg, the rules, send_msg, the SQLite store
 * — against a real `kfbot serve` process. It fails unless every message is answered exactly once,
 * in order, with no error logged; it reports kfbot's resident memory as it goes, and its growth.
 *
 *   SOAK_MESSAGES=20000 npm run soak     # a shorter run
 */
import { request } from 'undici';
import { startSimulator } from '../../src/simulator/index.ts';
import { AES_KEY, startKfbotProcess, storeDir, TOKEN } from '../e2e/kfbot-process.ts';

const TOTAL = Number(process.env.SOAK_MESSAGES ?? 100_000);
const CUSTOMERS = 1000;
const WINDOW = 2;

async function rssMb(url: string): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text();
  const m = /^kfbot_process_resident_memory_bytes (\d+)/m.exec(text);
  return m ? Math.round(Number(m[1]) / 1024 / 1024) : Number.NaN;
}

async function main(): Promise<number> {
  const sim = await startSimulator({ accounts: [{ name: '售前' }, { name: '售后' }, { name: '会员' }] });
  const bot = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: storeDir(),
    rules: 'test/e2e/rules',
    env: { LOG_LEVEL: 'info' },
  });
  sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  const accounts = sim.accounts.map((a) => a.openKfId);
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
    openKfId: accounts[i % accounts.length] as string,
    id: `wmSoak${String(i).padStart(4, '0')}`,
    sent: 0,
    answered: 0,
  }));
  const byId = new Map(customers.map((c) => [c.id, c]));
  let answered = 0;
  sim.onSent((m) => {
    const c = byId.get(m.externalUserId);
    if (c) c.answered++;
    answered++;
  });

  const idleRss = await rssMb(bot.url);
  console.log(`soak: ${TOTAL} messages from ${CUSTOMERS} customers; kfbot idle RSS ${idleRss} MB`);
  const samples: { answered: number; rss: number }[] = [];
  let sent = 0;
  const started = performance.now();
  let lastReport = 0;
  let lastProgress = performance.now();
  let lastAnswered = 0;
  while (answered < TOTAL) {
    for (const c of customers) {
      while (sent < TOTAL && c.sent - c.answered < WINDOW) {
        sim.customerSays({ openKfId: c.openKfId, externalUserId: c.id, text: `echo ${c.id} #${c.sent}` });
        c.sent++;
        sent++;
      }
    }
    await new Promise((r) => setTimeout(r, 5));
    if (answered !== lastAnswered) {
      lastAnswered = answered;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > 60_000) {
      console.error(`soak: stalled at ${answered}/${TOTAL} answered`);
      break;
    }
    if (answered - lastReport >= TOTAL / 10) {
      lastReport = answered;
      const rss = await rssMb(bot.url);
      samples.push({ answered, rss });
      const rate = Math.round(answered / ((performance.now() - started) / 1000));
      console.log(`soak: ${answered}/${TOTAL} answered · ${rate} msg/s · kfbot RSS ${rss} MB`);
    }
  }
  await new Promise((r) => setTimeout(r, 2000)); // anything doubled would arrive now
  const errors = bot.logs.filter((l) => Number(l.level) >= 50);
  const seconds = (performance.now() - started) / 1000;
  await bot.stop('SIGTERM');
  await sim.close();

  const problems: string[] = [];
  if (answered !== TOTAL) problems.push(`${answered} answers for ${TOTAL} messages`);
  for (const c of customers) {
    const replies = sim.sent(c.openKfId, c.id).map((m) => (m.content.text as { content: string }).content);
    const ok = replies.length === c.sent && replies.every((r, i) => r === `收到：echo ${c.id} #${i}`);
    if (!ok) problems.push(`${c.id}: ${replies.length} replies for ${c.sent} messages, or out of order`);
  }
  if (errors.length) problems.push(`${errors.length} error log lines, e.g. ${JSON.stringify(errors[0])}`);
  const first = samples[0];
  const last = samples.at(-1);
  const growth = first && last ? last.rss - first.rss : Number.NaN;
  console.log(
    `soak: ${answered} answered in ${seconds.toFixed(0)} s (${Math.round(answered / seconds)} msg/s); ` +
      `kfbot RSS idle ${idleRss} MB, at ${first?.answered} ${first?.rss} MB, at ${last?.answered} ${last?.rss} MB ` +
      `(growth ${growth} MB over ${last && first ? last.answered - first.answered : 0} messages)`,
  );
  if (problems.length) {
    console.error(`soak: FAILED\n  ${problems.slice(0, 10).join('\n  ')}`);
    return 1;
  }
  console.log('soak: every message answered exactly once, in order, with no error logged');
  return 0;
}

process.exitCode = await main();
