/**
 * `npm run bench:store-writes`: what the SQLite store costs per answered customer message — the
 * store calls `kfbot serve` makes for one echo message (pull notice, conversation, message record,
 * rule count, session entries, send record twice, finish, a cursor every tenth), several messages'
 * worth per event-loop turn as under load — as bytes written (WAL frames and checkpoints: the same
 * on any machine) and time per message (the machine's share of it).
 *
 * Side by side in one process: BENCH_STORE_TREES=old=/path/to/other/worktree,new=. compares this
 * tree's store with another checkout's (blocks of messages interleaved, medians), so a regression
 * in write volume shows as a ratio whatever else the machine is doing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const TREES = (process.env.BENCH_STORE_TREES ?? 'this=.').split(',').map((s) => {
  const [name, dir] = s.split('=');
  return { name: name ?? s, dir: resolve(dir ?? '.') };
});
const PER_TURN = Number(process.env.BENCH_STORE_PER_TURN ?? 4);
const BLOCK = Number(process.env.BENCH_STORE_BLOCK ?? 500);
const ROUNDS = Number(process.env.BENCH_STORE_ROUNDS ?? 8);

/** Bytes this process has written so far (Linux), the WAL's frames and checkpoints included. */
function written(): number {
  const m = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

// The store's surface this bench drives, as every tree since the activity log has it.
interface BenchStore {
  recordPullRequest(openKfId: string, token: string, at: number): Promise<void>;
  getConversation(openKfId: string, externalUserId: string): Promise<unknown>;
  getMessage(msgid: string): Promise<unknown>;
  recordMessage(m: Record<string, unknown>, c: Record<string, unknown>): Promise<boolean>;
  activity: { recordRuleOutcomes(o: Record<string, unknown>): Promise<void> };
  sessions?: { recordSessionEntries(e: Record<string, unknown>[]): Promise<void> };
  getSend(key: string): Promise<unknown>;
  putSend(r: Record<string, unknown>): Promise<void>;
  putConversation(openKfId: string, externalUserId: string, value: unknown): Promise<void>;
  finishMessage(msgid: string, status: 'done'): Promise<void>;
  setCursor(openKfId: string, cursor: string): Promise<void>;
  close(): Promise<void>;
}

const runs: {
  name: string;
  store: BenchStore;
  conversation: () => unknown;
  us: number[];
  bytes: number[];
}[] = [];
for (const { name, dir } of TREES) {
  const { SqliteStore } = await import(join(dir, 'src/store/sqlite-store.ts'));
  const { newConversation } = await import(join(dir, 'src/conversation/conversation.ts'));
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'kfbot-store-writes-')), 'kfbot.db'));
  runs.push({ name, store, conversation: newConversation, us: [], bytes: [] });
}

let n = 0;
async function message(run: (typeof runs)[number]): Promise<void> {
  const { store } = run;
  const i = n++;
  const account = `wkAccount${i % 3}`;
  const customer = `wmCustomer${i % 1000}`;
  const msgid = `msg${i}${Math.random().toString(36).slice(2, 14)}`;
  const now = Date.now();
  const sessionStartedAt = 1_765_000_000_000 + (i % 1000);
  const conversation = { ...(run.conversation() as object), sessionStartedAt };
  await store.recordPullRequest(account, `token${i}`, now);
  await store.getConversation(account, customer);
  await store.getMessage(msgid);
  const plan = JSON.stringify({
    calls: [
      {
        step: 0,
        rule: 'echo',
        api: 'kf/send_msg',
        body: { touser: customer, msgtype: 'text', text: { content: `收到：echo ${i}` } },
      },
    ],
    dropped: [],
  });
  await store.recordMessage(
    { msgid, openKfId: account, externalUserId: customer, status: 'planned', plan, createdAt: now },
    { openKfId: account, externalUserId: customer, value: conversation },
  );
  const entry = {
    openKfId: account,
    externalUserId: customer,
    sessionStartedAt,
    at: now,
    msgid,
    kind: 'text',
  };
  const reports = [
    store.activity.recordRuleOutcomes({ openKfId: account, at: now, hits: ['echo'] }),
    store.sessions?.recordSessionEntries([
      {
        ...entry,
        seq: 0,
        from: 'customer',
        text: `echo ${i}`,
        rules: ['echo'],
        why: '✓ echo (rules.yaml:3)',
      },
      { ...entry, seq: 1, from: 'bot', text: `收到：echo ${i}`, rules: ['echo'] },
    ]),
  ];
  const key = `kf${msgid}`;
  await store.getSend(key);
  const send = { key, inboundMsgid: msgid, openKfId: account, externalUserId: customer, api: 'kf/send_msg' };
  const attempting = { ...send, rule: 'echo', status: 'attempting', attempts: 1, updatedAt: now };
  await store.putSend(attempting);
  await store.putSend({ ...attempting, status: 'sent', response: '{"errcode":0,"msgid":"x"}' });
  await store.getConversation(account, customer);
  await store.putConversation(account, customer, conversation);
  await store.finishMessage(msgid, 'done');
  if (i % 10 === 0) await store.setCursor(account, `cursor${i}`);
  await Promise.all(reports);
}

async function block(run: (typeof runs)[number]): Promise<void> {
  const bytes = written();
  const started = process.hrtime.bigint();
  for (let i = 0; i < BLOCK; i += PER_TURN)
    await Promise.all(Array.from({ length: PER_TURN }, () => message(run)));
  run.us.push(Number(process.hrtime.bigint() - started) / 1e3 / BLOCK);
  run.bytes.push((written() - bytes) / BLOCK);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
for (const run of runs) await block(run); // warm-up
for (const run of runs) run.us.length = run.bytes.length = 0;
for (let r = 0; r < ROUNDS; r++) for (const run of r % 2 ? [...runs].reverse() : runs) await block(run);
const first = runs[0];
const rows = runs.map((run) => ({
  tree: run.name,
  'KB written per message': (median(run.bytes) / 1024).toFixed(1),
  'µs per message (median)': median(run.us).toFixed(0),
  'µs, every block': run.us.map((u) => u.toFixed(0)).join(' '),
  [`vs ${first?.name}`]: first ? `${(median(run.us) / median(first.us)).toFixed(2)}×` : '',
}));
const { markdownTable } = await import('./decide.ts');
process.stdout.write(
  `## SQLite store per answered message (${PER_TURN} messages per event-loop turn, ${ROUNDS} blocks of ${BLOCK})\n\n${markdownTable(rows)}\n`,
);
for (const run of runs) await run.store.close();
