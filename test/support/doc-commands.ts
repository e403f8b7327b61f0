/**
 * The `kfbot` commands the README and docs/*.md show, taken from their fenced code blocks: every
 * line of a sh/bash/shell/console block whose command is `kfbot`, `npx kfbot` or `npm start`
 * (after any VAR=value prefix), and `$ `-prompted lines of other blocks. Comments after ` # ` are
 * dropped; backslash continuations are joined.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DocCommand {
  /** README.md:12 */
  where: string;
  /** As written, without its trailing comment. */
  command: string;
}

const SHELL_BLOCKS = new Set(['sh', 'bash', 'shell', 'console', 'zsh']);
const KFBOT_COMMAND = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+kfbot|kfbot|npm\s+start)(?:\s|$)/;

export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

export function commandsIn(file: string, text: string): DocCommand[] {
  const found: DocCommand[] = [];
  const lines = text.split('\n');
  let fence: string | undefined;
  let lang = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (fence === undefined) {
      if (open) {
        fence = open[1] as string;
        lang = (open[2] ?? '').toLowerCase();
      }
      continue;
    }
    if (line.trim().startsWith(fence)) {
      fence = undefined;
      continue;
    }
    let text = line.trim();
    const prompted = text.startsWith('$ ');
    if (prompted) text = text.slice(2);
    else if (!SHELL_BLOCKS.has(lang)) continue;
    const start = i;
    while (text.endsWith('\\') && i + 1 < lines.length) {
      i++;
      text = `${text.slice(0, -1).trimEnd()} ${(lines[i] as string).trim()}`;
    }
    const command = text.replace(/\s+#\s.*$/, '').trim();
    if (KFBOT_COMMAND.test(command)) found.push({ where: `${file}:${start + 1}`, command });
  }
  return found;
}

export function docCommands(root: string): DocCommand[] {
  return docFiles(root).flatMap((f) => commandsIn(f, readFileSync(join(root, f), 'utf8')));
}
