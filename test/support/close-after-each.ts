/**
 * What a test starts (the WeCom simulator, an in-process kfbot, a server) closed after it, last
 * started first, whether the test passed or failed, and never twice: a test that closes one itself
 * (to start kfbot again on the same store) has it left alone.
 *
 *   const closing = closeAfterEach();
 *   const sim = closing(await startSimulator());
 *   const bot = closing(await startInProcess(sim));
 */
import { afterEach } from 'vitest';

interface Closable {
  close(): Promise<void>;
}

export function closeAfterEach(): <T extends Closable>(thing: T) => T {
  const open: Closable[] = [];
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });
  return (thing) => {
    open.push(thing);
    const close = thing.close.bind(thing);
    thing.close = async () => {
      const at = open.indexOf(thing);
      if (at >= 0) open.splice(at, 1);
      await close();
    };
    return thing;
  };
}
