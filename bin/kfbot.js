#!/usr/bin/env node
// kfbot's command line: plain Node on the compiled JavaScript in dist/ (`npm run build`, which
// `npm install` runs through the prepare script).
// A reader that went away (`kfbot chat | head`, `kfbot report … | head`) ends kfbot quietly, as it
// ends any Unix tool, instead of with a stack trace about EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err?.code !== 'EPIPE') throw err;
    process.exit(0);
  });
}
// `kfbot serve` runs for weeks and is idle most of the time; what starting costs stays resident
// (issue #28: the default rules idle under 64 MB). Three things, each measured with
// `npm run bench:faq-memory` (docs/performance.md):
// - V8's young generation stays at its starting size (two 1 MB semi-spaces) instead of growing to
//   8 MB each while kfbot's modules and rules load (~4 MB), as with node's own
//   --max-semi-space-size=1; once the server answers it may grow again as before, so traffic is
//   collected as before. Given on node's command line, a growth factor below 2 is raised back to 2
//   when the heap is set up; set here, afterwards, it holds.
// - The optimising compiler (TurboFan) is off until the server answers, then on again: starting
//   runs each function a few times, enough to optimise some of them, which maps ~4 MB of node's own
//   compiler code that an idle server then keeps. Traffic optimises what it uses, as before.
// - Once it answers, one full garbage collection takes back what starting left (~1–2 MB).
// Other commands are short and keep V8's defaults; so does a node started with --no-opt (or
// --jitless), whose optimiser is not turned on here.
if (process.argv[2] === 'serve') {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--semi-space-growth-factor=1');
  const nodeFlags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const optimiser = !nodeFlags.some((f) => /^--(no-opt|no-turbofan|jitless)$/.test(f));
  if (optimiser) setFlagsFromString('--no-turbofan');
  // serve.ts's SERVING.
  process.once('kfbot:serving', () => {
    if (optimiser) setFlagsFromString('--turbofan');
    setFlagsFromString('--semi-space-growth-factor=2');
    try {
      // Node offers gc() only with --expose-gc on its own command line; set now, the flag gives it
      // to contexts made afterwards, such as this one. A node without it just skips the collection.
      setFlagsFromString('--expose-gc');
      runInNewContext('gc')();
    } catch {}
  });
}
let main;
try {
  ({ main } = await import('../dist/cli/main.js'));
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli/main.js')) throw err;
  process.stderr.write('kfbot is not built yet: run "npm run build" (npm install does it too)\n');
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
