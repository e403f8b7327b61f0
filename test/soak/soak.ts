/**
 * The soak run (`npm run soak`; .ci/run runs it after the tests): 100,000 customer messages through
 * the whole pipeline on loopback — signed callbacks, sync_msg, the rules, send_msg, the SQLite store
 * — against a real `kfbot serve` process. It fails unless every message is answered exactly once,
 * in order, with no error logged; it reports kfbot's resident memory and V8 heap as it goes, and
 * whether the heap's low points rise from the first half of the run to the second (a leak would).
 *
 *   SOAK_MESSAGES=20000 npm run soak     # a shorter run
 */
import { startSimulator } from '../../src/simulator/index.ts';
import { AES_KEY, memoryMb, startKfbotProcess, storeDir, TOKEN } from '../e2e/kfbot-process.ts';
import { driveConversations } from '../support/conversation-driver.ts';

const TOTAL = Number(process.env.SOAK_MESSAGES ?? 100_000);

async function main(): Promise<number> {
  // Loopback pace with the platform's frequency limits off: the soak measures kfbot, not WeCom.
  const sim = await startSimulator({
    accounts: [{ name: '售前' }, { name: '售后' }, { name: '会员' }],
    settings: { rateLimits: [] },
  });
  const bot = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: storeDir(),
    rules: 'test/e2e/rules',
    // WeCom's frequency limits are off in the simulator, and kfbot's budget with them.
    env: { LOG_LEVEL: 'info', KFBOT_API_BUDGET: '100000000/1m' },
  });
  sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  const idle = await memoryMb(bot.url);
  const idleRss = idle.rss;
  console.log(
    `soak: ${TOTAL} messages from 1000 customers; kfbot idle RSS ${idleRss} MB, heap ${idle.heap} MB`,
  );
  const samples: { answered: number; rss: number; heap: number }[] = [];
  const result = await driveConversations(sim, {
    total: TOTAL,
    customers: 1000,
    window: 2,
    onProgress: async (answered, seconds) => {
      const { rss, heap } = await memoryMb(bot.url);
      samples.push({ answered, rss, heap });
      console.log(
        `soak: ${answered}/${TOTAL} answered · ${Math.round(answered / seconds)} msg/s · kfbot RSS ${rss} MB, heap ${heap} MB`,
      );
    },
  });
  const errors = bot.logs.filter((l) => Number(l.level) >= 50);
  // Bounded: the soak measures answers and memory; a slow shutdown is reported, never a hung run.
  const stopped = await Promise.race([
    bot.stop('SIGTERM').then(() => true),
    new Promise<false>((r) => setTimeout(() => r(false), 20_000).unref()),
  ]);
  if (!stopped) {
    console.log('soak: warning: kfbot serve did not exit within 20 s of SIGTERM; killed it');
    await bot.stop('SIGKILL');
  }
  await sim.close();

  const first = samples[0];
  const last = samples.at(-1);
  console.log(
    `soak: ${result.answered} answered in ${result.seconds.toFixed(0)} s (${Math.round(result.answered / result.seconds)} msg/s); ` +
      `kfbot RSS idle ${idleRss} MB, at ${first?.answered} ${first?.rss} MB, at ${last?.answered} ${last?.rss} MB ` +
      `(growth ${first && last ? last.rss - first.rss : Number.NaN} MB over ${first && last ? last.answered - first.answered : 0} messages)`,
  );
  // The heap swings with garbage collection between samples; its low points do not, unless
  // something is kept that should not be.
  const half = Math.floor(samples.length / 2);
  const low = (s: typeof samples) => Math.min(...s.map((x) => x.heap));
  if (half > 0)
    console.log(
      `soak: V8 heap in use, lowest sample: ${low(samples.slice(0, half))} MB in the first half, ${low(samples.slice(half))} MB in the second`,
    );
  const problems: string[] = [];
  if (result.answered !== TOTAL) problems.push(`${result.answered} answers for ${TOTAL} messages`);
  if (result.wrong.length)
    problems.push(
      `${result.wrong.length} customers without exactly one reply per message, in order: ${result.wrong.slice(0, 5).join(', ')}`,
    );
  if (errors.length) problems.push(`${errors.length} error log lines, e.g. ${JSON.stringify(errors[0])}`);
  if (problems.length) {
    console.error(`soak: FAILED\n  ${problems.join('\n  ')}`);
    return 1;
  }
  console.log('soak: every message answered exactly once, in order, with no error logged');
  return 0;
}

process.exitCode = await main();
