/**
 * `kfbot faq review`: reads the review file `kfbot faq expand` wrote and shows, for each proposed
 * question, what the rules as they are would do with it — so the author sees which ones collide
 * with another item before copying any into `questions:`.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { FaqIndex } from '../../rules/faq/faq-index.ts';
import { type ProposalsFile, proposalsPath, readProposals } from '../../semantic/question-proposals.ts';
import { type Command, InputError, parseCommandLine } from '../command.ts';
import { loadFaqRules } from '../faq-rules.ts';

const HELP = `Usage: kfbot faq review [options]

Shows each question \`kfbot faq expand\` proposed and what the rules would do with it today:
  ⚠ collides   another item answers it, or another item's question is the same text:
               adding it would make the two items fight — reword it, or leave it out
  ✓ new        the matcher does not answer it yet: adding it teaches the item this phrasing
  · known      its item already answers it: adding it changes little
Exits 1 if any proposed question collides.

  --rules PATH   rule file or folder (default: $KFBOT_RULES, else ./rules)
  --file FILE    the review file (default: beside the rules, e.g. rules.faq-review.yaml)
  --json         print the verdicts as JSON
  -h, --help     show this help
`;

const OPTIONS = {
  rules: { type: 'string' },
  file: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export interface ProposalVerdict {
  item: string;
  question: string;
  verdict: 'collides' | 'new' | 'known';
  /** For a collision: the items it meets. */
  with: string[];
}

/** What the rules would do with each proposed question. */
export function reviewProposals(index: FaqIndex, file: ProposalsFile): ProposalVerdict[] {
  const owner = new Map<string, string>();
  for (const e of index.entries) for (const q of e.questions) owner.set(index.canonical(q), e.id);
  const proposedBy = new Map<string, Set<string>>();
  for (const i of file.items)
    for (const q of i.questions) {
      const key = index.canonical(q);
      proposedBy.set(key, (proposedBy.get(key) ?? new Set()).add(i.id));
    }
  return file.items.flatMap((item) =>
    item.questions.map((question): ProposalVerdict => {
      const key = index.canonical(question);
      const others = new Set<string>();
      const listed = owner.get(key);
      if (listed !== undefined && listed !== item.id) others.add(listed);
      for (const id of proposedBy.get(key) ?? []) if (id !== item.id) others.add(id);
      const outcome = index.match(question);
      if (outcome.type === 'answer' && outcome.candidate.id !== item.id) others.add(outcome.candidate.id);
      if (outcome.type === 'clarify' && outcome.options[0]?.id !== item.id)
        for (const o of outcome.options) if (o.id !== item.id) others.add(o.id);
      if (others.size) return { item: item.id, question, verdict: 'collides', with: [...others] };
      const answered = outcome.type === 'answer' && outcome.candidate.id === item.id;
      return { item: item.id, question, verdict: answered ? 'known' : 'new', with: [] };
    }),
  );
}

const MARK = { collides: '⚠ collides', new: '✓ new     ', known: '· known   ' } as const;

export const faqReviewCommand: Command = {
  name: 'review',
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS, false);
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const rules = loadFaqRules(values.rules, io, 'kfbot faq review');
    if (!rules) return 1;
    const { target, faq } = rules;
    const path = values.file ?? proposalsPath(target, io.cwd);
    if (!existsSync(path))
      throw new InputError(
        `no review file at ${relative(io.cwd, path) || path}: run kfbot faq expand first (or give --file)`,
      );
    let file: ProposalsFile;
    try {
      file = readProposals(path);
    } catch (err) {
      throw new InputError((err as Error).message);
    }
    const verdicts = reviewProposals(faq.index, file);
    const collisions = verdicts.filter((v) => v.verdict === 'collides').length;
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ ok: collisions === 0, verdicts }, null, 2)}\n`);
      return collisions ? 1 : 0;
    }
    const lines: string[] = [];
    let item = '';
    for (const v of verdicts) {
      if (v.item !== item) {
        item = v.item;
        lines.push(`${item}:`);
      }
      lines.push(`  ${MARK[v.verdict]}  ${v.question}${v.with.length ? `  → ${v.with.join(', ')}` : ''}`);
    }
    const count = (k: ProposalVerdict['verdict']) => verdicts.filter((v) => v.verdict === k).length;
    lines.push(
      '',
      `${verdicts.length} proposed: ${count('new')} new, ${count('known')} known, ${collisions} colliding with another item`,
    );
    io.stdout.write(`${lines.join('\n')}\n`);
    return collisions ? 1 : 0;
  },
};
