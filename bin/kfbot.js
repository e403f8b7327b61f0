#!/usr/bin/env node
// kfbot's command line. The sources are TypeScript run through tsx's loader, so a fresh clone
// works after `npm install` with no build step (see README, "Dependencies").
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
