/**
 * The app's PullWork, as tests, the sandbox and `stop` see it: idle only when no pull runs *and*
 * no backend call (or what follows it) is still finishing after its page (account-backlog.ts).
 */
import type { PullWork } from '../store/pull-work.ts';
import type { AccountPuller } from './account-puller.ts';

export function withBacklog(work: PullWork, puller: AccountPuller): PullWork {
  return {
    enqueue: (openKfId, token, at) => work.enqueue(openKfId, token, at),
    nudge: (openKfId) => work.nudge(openKfId),
    start: (pull) => work.start(pull),
    async stop() {
      await work.stop();
      await puller.stop();
    },
    async idle() {
      // Work finishing after its page starts no pull, but a pull may start more work: until both rest.
      do {
        await work.idle();
        await puller.settled();
      } while (!puller.isSettled());
      await work.idle();
    },
    oldestPendingAt: () => work.oldestPendingAt(),
  };
}
