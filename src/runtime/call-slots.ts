/**
 * The per-process cap on calls to the company's backends (settings.calls.concurrency): a burst of
 * customers asking for their orders cannot flood the shop's API. A call that cannot get a slot
 * within its timeout gives up (the caller records a timeout), first come first served.
 */
export class CallSlots {
  private inUse = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(private readonly limit: () => number) {}

  /** A release function, or undefined when no slot freed within `waitMs`. */
  acquire(waitMs: number): Promise<(() => void) | undefined> {
    if (this.inUse < this.limit()) {
      this.inUse++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const entry = {
        grant: () => {
          clearTimeout(timer);
          this.inUse++;
          resolve(this.releaser());
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(undefined);
      }, waitMs);
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse--;
      while (this.inUse < this.limit() && this.waiting.length > 0) this.waiting.shift()?.grant();
    };
  }
}
