// kfbot the way it ran before the compiled build: the TypeScript sources through tsx's loader.
// `npm run bench` starts it next to bin/kfbot.js to show what the build changed.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
