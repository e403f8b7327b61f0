/**
 * The semantic provider for the CLI's one-off commands (`kfbot test --faq`, `kfbot simulate
 * --semantic`): resolved from the rules and the environment, vectors kept in memory for the run.
 * Off when nothing names a provider; a misconfigured one is a clear error, never a silent "off".
 */
import type { RuleSet } from '../rules/rule-model.ts';
import { MemoryEmbeddingCache } from '../semantic/memory-embedding-cache.ts';
import { resolveSemantic } from '../semantic/semantic-config.ts';
import { SemanticMatcher } from '../semantic/semantic-matcher.ts';
import type { CommandIo } from './command.ts';

/** The matcher, undefined when off, or 'invalid' after writing what is wrong to stderr. */
export function cliSemantic(
  set: RuleSet,
  io: CommandIo,
  command: string,
): SemanticMatcher | undefined | 'invalid' {
  const { config, problems } = resolveSemantic(set.faq?.semantic, io.env);
  for (const p of problems) io.stderr.write(`${command}: semantic provider: ${p.message}\n`);
  if (problems.length) return 'invalid';
  return config && new SemanticMatcher(config, { cache: new MemoryEmbeddingCache() });
}
