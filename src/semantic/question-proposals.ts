/**
 * The review file `kfbot faq expand` writes beside the rules: proposed 相似问法 per FAQ item, for
 * the author to read (`kfbot faq review`) and copy into `questions:` — never rules themselves. It
 * lives outside the rules folder (`rules.faq-review.yaml` beside `rules/`), so kfbot never loads it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

export interface ItemProposals {
  id: string;
  label: string;
  questions: string[];
}

export interface ProposalsFile {
  /** The chat model that proposed them, and when (ISO 8601). */
  model: string;
  at: string;
  items: ItemProposals[];
}

/** Where the review file of a rules target goes: beside the folder or file, never inside the folder. */
export function proposalsPath(rulesTarget: string, cwd: string): string {
  const target = resolve(cwd, rulesTarget);
  const isDir = existsSync(target) && statSync(target).isDirectory();
  const name = isDir ? basename(target) : basename(target).replace(/\.ya?ml$/i, '');
  return join(dirname(target), `${name}.faq-review.yaml`);
}

const HEADER = `# kfbot faq expand: 相似问法 proposed by a chat model, for review — not rules; kfbot never
# loads this file. Check them with: kfbot faq review. Copy the ones you keep into the item's
# questions: in the rules, then run kfbot validate.
`;

export function writeProposals(file: ProposalsFile): string {
  return `${HEADER}${stringify({ model: file.model, at: file.at, items: file.items }, { lineWidth: 0 })}`;
}

/** Reads a review file; throws a one-line reason when it is not one. */
export function readProposals(path: string): ProposalsFile {
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const d = data as Partial<ProposalsFile> | null;
  const items = d?.items;
  if (
    !Array.isArray(items) ||
    !items.every(
      (i) =>
        typeof i?.id === 'string' &&
        Array.isArray(i.questions) &&
        i.questions.every((q: unknown) => typeof q === 'string'),
    )
  )
    throw new Error(`${path} is not a review file of kfbot faq expand (items: [{id, questions: [...]}])`);
  return {
    model: String(d?.model ?? ''),
    at: String(d?.at ?? ''),
    items: items.map((i) => ({ id: i.id, label: String(i.label ?? i.id), questions: i.questions })),
  };
}
