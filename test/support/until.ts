/**
 * Waiting in a test for something kfbot does on its own time (a reply sent, a record stored): the
 * check is polled every 20 ms until it holds, or the test fails naming what it waited for — and,
 * given `explain`, what kfbot said meanwhile, which is usually why.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 15_000,
  explain?: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${explain ? `; ${explain()}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An in-process kfbot's last warnings and errors (pino levels 40 and 50), for a failure message. */
export function lastWarnings(lines: readonly string[] | undefined, count = 5): string {
  return `kfbot warned: ${(lines ?? [])
    .filter((l) => /"level":(40|50)/.test(l))
    .slice(-count)
    .join('\n')}`;
}
