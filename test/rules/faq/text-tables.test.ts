/**
 * The compact tables (scripts/gen-faq-tables.mjs) give what the packages they come from give:
 * opencc-js 'twp' → 'cn' on every phrasing and question of the FAQ fixtures, and pinyin-pro's
 * toneless reading of every Han character they cover.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as OpenCC from 'opencc-js/t2cn';
import type * as PinyinPro from 'pinyin-pro';
import { describe, expect, it } from 'vitest';
import { HAN_FROM, HAN_TO } from '../../../src/rules/faq/text-tables.generated.ts';
import { hanSyllable, toSimplified } from '../../../src/rules/faq/text-tables.ts';

const require = createRequire(import.meta.url);

function fixtureTexts(): string[] {
  const texts: string[] = [];
  for (const f of readdirSync('bench/faq').filter((n) => n.endsWith('.txt')))
    for (const line of readFileSync(`bench/faq/${f}`, 'utf8').split('\n'))
      if (line.trim() && !line.startsWith('#')) texts.push(line.split(/→|->/)[0] as string);
  for (const f of ['rules/faq.yaml', 'rules/welcome.yaml', 'bench/faq/hotel/rules.yaml'])
    texts.push(...readFileSync(f, 'utf8').split('\n'));
  return texts;
}

describe('the FAQ’s text tables', () => {
  it('convert traditional text as opencc-js does (twp → cn)', () => {
    const convert = (require('opencc-js/t2cn') as typeof OpenCC).Converter({ from: 'twp', to: 'cn' });
    const texts = [
      ...fixtureTexts(),
      '無線網路怎麼連',
      '軟體打不開',
      '計程車',
      '乾隆皇帝',
      '頭髮',
      '發票開立',
    ];
    const differ = texts.filter((t) => toSimplified(t) !== convert(t));
    expect(differ).toEqual([]);
  });

  it('give pinyin-pro’s toneless reading of every Han character covered', () => {
    const { pinyin } = require('pinyin-pro') as typeof PinyinPro;
    const differ: string[] = [];
    for (let cp = HAN_FROM; cp <= HAN_TO; cp++) {
      const ch = String.fromCodePoint(cp);
      const expected = pinyin(ch, { toneType: 'none' });
      if ((hanSyllable(ch) ?? ch) !== expected) differ.push(ch);
    }
    expect(differ).toEqual([]);
  });
});
