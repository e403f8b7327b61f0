/**
 * `kfbot faq expand [--item ID]`: asks the chat model of the semantic provider setting for more
 * 相似问法 per FAQ item and writes them to a review file beside the rules (question-proposals.ts),
 * never into the rules. With no provider set it says what it needs and writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { EmbeddingsClient } from '../../semantic/embeddings-client.ts';
import { expandQuestions } from '../../semantic/expand-questions.ts';
import {
  type ItemProposals,
  proposalsPath,
  readProposals,
  writeProposals,
} from '../../semantic/question-proposals.ts';
import { resolveSemantic, SEMANTIC_ENV } from '../../semantic/semantic-config.ts';
import { type Command, parseCommandLine, UsageError } from '../command.ts';
import { loadFaqRules } from '../faq-rules.ts';

const HELP = `Usage: kfbot faq expand [options]

Asks an OpenAI-compatible chat model (the provider of settings.faq.semantic or KFBOT_SEMANTIC_*,
its chat model: chat_model / KFBOT_SEMANTIC_CHAT_MODEL) for more 相似问法 per FAQ item, and writes
them to a review file beside the rules (e.g. rules.faq-review.yaml) — never into the rules.
Then: kfbot faq review. See docs/semantic.md.

  --rules PATH     rule file or folder (default: $KFBOT_RULES, else ./rules)
  --item ID        only this item (repeatable); default: every item
  --count N        questions to ask for per item (default 5, at most 20)
  --out FILE       the review file (default: beside the rules)
  -h, --help       show this help
`;

const OPTIONS = {
  rules: { type: 'string' },
  item: { type: 'string', multiple: true },
  count: { type: 'string' },
  out: { type: 'string' },
} as const;

/** How long one item's chat request may take. */
const ITEM_DEADLINE_MS = 60_000;

export const faqExpandCommand: Command = {
  name: 'expand',
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS, false);
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const count = values.count === undefined ? 5 : Number(values.count);
    if (!Number.isInteger(count) || count < 1 || count > 20)
      throw new UsageError(`--count takes a whole number from 1 to 20, not "${values.count}"`);
    const rules = loadFaqRules(values.rules, io, 'kfbot faq expand');
    if (!rules) return 1;
    const { target, faq } = rules;
    const { config, problems } = resolveSemantic(faq.semantic, io.env);
    for (const p of problems) io.stderr.write(`kfbot faq expand: semantic provider: ${p.message}\n`);
    if (problems.length) return 1;
    if (!config?.chatModel) {
      io.stderr.write(
        `kfbot faq expand needs an OpenAI-compatible chat model and none is set: set settings.faq.semantic (provider: dashscope, …) or ${SEMANTIC_ENV.provider.env} / ${SEMANTIC_ENV.baseUrl.env}${config ? `, and ${SEMANTIC_ENV.chatModel.env} (${config.label} has no default chat model)` : ''}, with the key in the environment (docs/semantic.md). Nothing was written.\n`,
      );
      return 1;
    }
    const wanted = values.item ?? [];
    const unknown = wanted.filter((id) => !faq.index.entries.some((e) => e.id === id));
    if (unknown.length)
      throw new UsageError(
        `no FAQ item has the id ${unknown.map((u) => `"${u}"`).join(', ')}; items: ${faq.index.entries.map((e) => e.id).join(', ')}`,
      );
    const entries = faq.index.entries.filter((e) => wanted.length === 0 || wanted.includes(e.id));
    const out = values.out ?? proposalsPath(target, io.cwd);
    const client = new EmbeddingsClient(config);
    const fresh: ItemProposals[] = [];
    for (const entry of entries) {
      try {
        const questions = await expandQuestions(client, config.chatModel, entry, {
          count,
          deadline: Date.now() + ITEM_DEADLINE_MS,
        });
        fresh.push({ id: entry.id, label: entry.label, questions });
        io.stdout.write(`${entry.id}: ${questions.length} proposed\n`);
      } catch (err) {
        io.stderr.write(`kfbot faq expand: ${entry.id}: ${(err as Error).message}\n`);
      }
    }
    if (fresh.length === 0) {
      io.stderr.write('kfbot faq expand: no item got proposals; nothing was written\n');
      return 1;
    }
    // Items expanded before and not now keep their proposals.
    let kept: ItemProposals[] = [];
    try {
      kept = readProposals(out).items.filter((i) => !fresh.some((f) => f.id === i.id));
    } catch {}
    const items = [...kept, ...fresh].sort(
      (a, b) =>
        faq.index.entries.findIndex((e) => e.id === a.id) - faq.index.entries.findIndex((e) => e.id === b.id),
    );
    writeFileSync(
      out,
      writeProposals({ model: `${config.label} ${config.chatModel}`, at: new Date().toISOString(), items }),
    );
    io.stdout.write(
      `wrote ${fresh.reduce((n, f) => n + f.questions.length, 0)} proposed questions to ${relative(io.cwd, out) || out}; check them with: kfbot faq review${values.rules ? ` --rules ${values.rules}` : ''}\n`,
    );
    return entries.length === fresh.length ? 0 : 1;
  },
};
