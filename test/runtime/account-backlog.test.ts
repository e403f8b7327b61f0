import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountBacklog } from '../../src/runtime/account-backlog.ts';
import { LOCAL_LEASE } from '../../src/store/pull-work.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

const log = pino({ level: 'silent' });
let store: SqliteStore;

/** A piece of work the test finishes when it wants. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

beforeEach(() => {
  store = new SqliteStore(':memory:');
});
afterEach(async () => {
  await store.close();
});

describe('AccountBacklog', () => {
  it('stores no cursor past a page whose call is unfinished, and the newest one once it is done', async () => {
    const backlog = new AccountBacklog({
      openKfId: 'wk1',
      store,
      lease: LOCAL_LEASE,
      log,
      failToPull: false,
    });
    const call = gate();
    const first = backlog.openPage();
    backlog.defer(first, 'slow', () => call.opened);
    await backlog.closePage(first, 'c1');
    const second = backlog.openPage();
    await backlog.closePage(second, 'c2'); // a page with nothing deferred, read after the call's
    expect(await store.getCursor('wk1')).toBeUndefined();
    expect(backlog.busy('slow')).toBe(true);

    call.open();
    await backlog.settled();
    expect(await store.getCursor('wk1')).toBe('c2');
    expect(backlog.idle).toBe(true);
  });

  it('runs a customer’s later work after their call, and other customers’ without waiting for it', async () => {
    const backlog = new AccountBacklog({
      openKfId: 'wk1',
      store,
      lease: LOCAL_LEASE,
      log,
      failToPull: false,
    });
    const call = gate();
    const done: string[] = [];
    const page = backlog.openPage();
    backlog.defer(page, 'a', async () => {
      await call.opened;
      done.push('a: call');
    });
    backlog.defer(page, 'a', async () => {
      done.push('a: later message');
    });
    backlog.defer(page, 'b', async () => {
      done.push('b');
    });
    await backlog.closePage(page, 'c1');
    await new Promise((r) => setImmediate(r));
    expect(done).toEqual(['b']);
    call.open();
    await backlog.settled();
    expect(done).toEqual(['b', 'a: call', 'a: later message']);
  });

  it('keeps the cursor before a piece that failed, stops that customer’s chain, and reports it', async () => {
    const backlog = new AccountBacklog({ openKfId: 'wk1', store, lease: LOCAL_LEASE, log, failToPull: true });
    const ran: string[] = [];
    const page = backlog.openPage();
    backlog.defer(page, 'a', async () => {
      throw new Error('the store went away');
    });
    backlog.defer(page, 'a', async () => {
      ran.push('a: later');
    });
    await backlog.closePage(page, 'c1');
    await expect(backlog.finished()).rejects.toThrow('the store went away');
    await backlog.closePage(backlog.openPage(), 'c2');
    expect(ran).toEqual([]);
    expect(await store.getCursor('wk1')).toBeUndefined();
    expect(backlog.takeFailure()).toBeDefined();
  });
});
