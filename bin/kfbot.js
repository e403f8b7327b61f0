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
// `kfbot serve` runs for weeks and is idle most of the time: keep V8's young generation at its
// starting size (two 1 MB semi-spaces) instead of letting it grow to 8 MB each while kfbot's modules
// and rules load, ~6 MB of resident memory an idle server never gives back (issue #28; the same as
// `node --max-semi-space-size=1`, which only node's own command line could give). Node's command
// line raises a growth factor below 2 back to 2 when the heap is set up; set here, afterwards, it
// holds. Other commands are short and keep V8's default.
if (process.argv[2] === 'serve') {
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--semi-space-growth-factor=1');
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
