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
let main;
try {
  ({ main } = await import('../dist/cli/main.js'));
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli/main.js')) throw err;
  process.stderr.write('kfbot is not built yet: run "npm run build" (npm install does it too)\n');
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
