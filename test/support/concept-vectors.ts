/**
 * The fake embeddings server's "model": deterministic vectors standing in for what a real
 * embedding model (text-embedding-v3, bge-m3…) knows of everyday Chinese — that 泰迪 is a dog and
 * a dog a pet, that 地库 is where one parks, that 寵物 is 宠物, that 今天天气 is chat and not a
 * business's question. Each concept is one dimension, lit by any of its words (longest words
 * first, each part of the text used once, so 不满意 is not also 满意); a concept named `a.b` lights
 * its broader concept `a` fully and its own dimension at NARROWER_WEIGHT (a dog is mostly a pet).
 * Traditional characters are folded to simplified first, as a real model reads both. Every character adds a small hashed component,
 * so unrelated texts are not orthogonal and texts sharing characters lean together, as with real
 * models.
 *
 * The table (concept-vectors/*.ts, one file per area of life, each concept's words separated by
 * spaces; a word belongs to one concept only) is a general vocabulary of consumer
 * customer service: general concepts (when, how much, refund, warranty, booking, account…) and
 * the nouns of some twenty-five everyday businesses, with colloquial variants, written from
 * general knowledge of Chinese. It is never written from the phrasing sets the evals measure
 * (bench/faq/*.txt) nor from the failures an eval shows: a real model does not know the test
 * words either, only the language.
 */
import { toSimplified } from '../../src/rules/faq/text-tables.ts';
import { COMMERCE } from './concept-vectors/commerce.ts';
import { GENERAL } from './concept-vectors/general.ts';
import { HEALTH } from './concept-vectors/health.ts';
import { HOME } from './concept-vectors/home.ts';
import { SERVICES } from './concept-vectors/services.ts';
import { TRAVEL } from './concept-vectors/travel.ts';

const AREAS = [GENERAL, COMMERCE, TRAVEL, HEALTH, HOME, SERVICES];
const CONCEPTS: Record<string, string> = Object.assign({}, ...AREAS);

const WORDS = Object.entries(CONCEPTS)
  .flatMap(([concept, words]) => words.split(/\s+/).map((w) => ({ word: w.toLowerCase(), concept })))
  .sort((a, b) => b.word.length - a.word.length);
const CONCEPT_NAMES = Object.keys(CONCEPTS);

/** How much one concept weighs against the characters' hashed components. */
const CHAR_WEIGHT = 0.7;
/** A narrower concept (pet.dog) lights its broader one (pet) fully and its own dimension this much. */
const NARROWER_WEIGHT = 0.35;

// A concept named in two areas, or a word in two concepts, would be decided by file order alone.
if (AREAS.reduce((n, area) => n + Object.keys(area).length, 0) !== CONCEPT_NAMES.length)
  throw new Error('a concept is named in two areas of concept-vectors/');
for (const [k, w] of WORDS.entries())
  if (WORDS.findIndex((o) => o.word === w.word) !== k) throw new Error(`${w.word} is in two concepts`);
for (const name of CONCEPT_NAMES) {
  const broader = name.split('.')[0] as string;
  if (!(broader in CONCEPTS)) throw new Error(`concept ${name} names no broader concept ${broader}`);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** What the model reads: simplified characters, lower case, no spaces (check in = checkin). */
const fold = (text: string) => toSimplified(text).toLowerCase().replace(/\s+/g, '');

/** The concepts a text mentions, longest words first, each part of the text used once. */
export function conceptsOf(text: string): string[] {
  let rest = fold(text);
  const found: string[] = [];
  for (const { word, concept } of WORDS) {
    if (!rest.includes(word)) continue;
    rest = rest.split(word).join(' ');
    if (!found.includes(concept)) found.push(concept);
  }
  return found;
}

/** A unit vector of `dimensions` numbers (at least the concepts' count + 16). */
export function conceptVector(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  const concepts = conceptsOf(text);
  const at = (c: string) => CONCEPT_NAMES.indexOf(c) % dimensions;
  // 狗 is mostly "a pet" and a little "a dog, not a cat": close to 宠物, closer to 泰迪.
  for (const c of concepts) {
    const broader = c.split('.')[0] as string;
    if (broader === c) v[at(c)] = 1;
    else {
      v[at(c)] = NARROWER_WEIGHT;
      v[at(broader)] = 1;
    }
  }
  const chars = [...fold(text)];
  const spare = dimensions - CONCEPT_NAMES.length;
  if (chars.length > 0 && spare > 0) {
    const w = CHAR_WEIGHT / Math.sqrt(chars.length);
    for (const ch of chars) {
      const i = CONCEPT_NAMES.length + (hash(ch) % spare);
      v[i] = (v[i] as number) + w;
    }
  }
  let norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  if (norm === 0) {
    v[dimensions - 1] = 1;
    norm = 1;
  }
  return v.map((x) => x / norm);
}
