import { describe, expect, it } from 'vitest';
import type { FaqEntry, FaqOutcome } from '../../../src/rules/faq/faq-index.ts';
import type { FaqCandidate } from '../../../src/rules/faq/faq-search.ts';
import { fuseSemantic, type SemanticView } from '../../../src/rules/faq/semantic-fusion.ts';

const entries: FaqEntry[] = ['pets', 'parking', 'breakfast', 'checkin_time'].map((id) => ({
  id,
  label: `${id}?`,
  questions: [`${id}?`],
}));
const cand = (id: string, score: number): FaqCandidate => ({
  id,
  label: `${id}?`,
  score,
  question: `${id}?`,
  coverage: score,
  recall: score,
});
const view = (scores: Record<string, number>): SemanticView => ({
  scores: new Map(Object.entries(scores).map(([id, similarity]) => [id, { similarity, question: `${id}?` }])),
  threshold: 0.75,
  margin: 0.03,
});
const got = (o: FaqOutcome) =>
  o.type === 'answer'
    ? o.candidate.id
    : o.type === 'clarify'
      ? `clarify:${o.options.map((x) => x.id).join('|')}`
      : 'none';

describe('fusing a semantic view with the lexical decision', () => {
  const none: FaqOutcome = {
    type: 'none',
    candidates: [cand('checkin_time', 0.3)],
    suggestions: [],
    outOfDomain: false,
  };
  const answered: FaqOutcome = {
    type: 'answer',
    candidate: cand('checkin_time', 0.6),
    candidates: [cand('checkin_time', 0.6)],
  };

  it('answers an item the words missed when the provider is sure of it', () => {
    expect(got(fuseSemantic(none, view({ pets: 0.88, checkin_time: 0.5, parking: 0.2 }), entries))).toBe(
      'pets',
    );
  });

  it('is not sure below the threshold or with two items close: a miss stays a miss or becomes a menu of the close ones, an answer stands', () => {
    expect(got(fuseSemantic(none, view({ pets: 0.7, parking: 0.2 }), entries))).toBe('none');
    expect(got(fuseSemantic(none, view({ pets: 0.9, parking: 0.89 }), entries))).toBe('clarify:pets|parking');
    expect(got(fuseSemantic(answered, view({ pets: 0.9, parking: 0.89, checkin_time: 0.8 }), entries))).toBe(
      'checkin_time',
    );
  });

  it('never answers directly when the two disagree over items the words both support: a clarifying menu offers both', () => {
    // The words found pets too, close behind (0.5 against 0.6).
    const contested: FaqOutcome = {
      type: 'answer',
      candidate: cand('checkin_time', 0.6),
      candidates: [cand('checkin_time', 0.6), cand('pets', 0.5)],
    };
    expect(got(fuseSemantic(contested, view({ pets: 0.9, checkin_time: 0.4 }), entries))).toBe(
      'clarify:pets|checkin_time',
    );
    // The provider rating the lexical item well too is agreement enough.
    expect(got(fuseSemantic(contested, view({ pets: 0.9, checkin_time: 0.8 }), entries))).toBe(
      'checkin_time',
    );
    // Not sure, but leaning clearly elsewhere (0.65 against 0.3): still asked, not answered.
    expect(got(fuseSemantic(contested, view({ pets: 0.65, checkin_time: 0.3 }), entries))).toBe(
      'clarify:pets|checkin_time',
    );
    expect(got(fuseSemantic(contested, view({ pets: 0.65, checkin_time: 0.55 }), entries))).toBe(
      'checkin_time',
    );
  });

  it('keeps a lexical answer when the provider prefers an item the words give no case for', () => {
    // "话费咋充": the words answer recharge; the provider, sure of balance, is not asked about it
    // when the matcher scores balance at less than CONTEND_RATIO of recharge.
    const weakly: FaqOutcome = {
      type: 'answer',
      candidate: cand('checkin_time', 0.6),
      candidates: [cand('checkin_time', 0.6), cand('pets', 0.3)],
    };
    expect(got(fuseSemantic(weakly, view({ pets: 0.9, checkin_time: 0.4 }), entries))).toBe('checkin_time');
    expect(got(fuseSemantic(answered, view({ pets: 0.9, checkin_time: 0.4 }), entries))).toBe('checkin_time');
  });

  it('resolves a lexical clarifying menu with a sure item, else ranks its options by similarity', () => {
    const clarify: FaqOutcome = {
      type: 'clarify',
      options: [cand('parking', 0.5), cand('breakfast', 0.49)],
      candidates: [cand('parking', 0.5), cand('breakfast', 0.49)],
    };
    expect(got(fuseSemantic(clarify, view({ breakfast: 0.86, parking: 0.5 }), entries))).toBe('breakfast');
    expect(got(fuseSemantic(clarify, view({ breakfast: 0.6, parking: 0.5 }), entries))).toBe(
      'clarify:breakfast|parking',
    );
  });

  it('answers below its own threshold when the words lean to the same item, and asks when they lean elsewhere', () => {
    const leaning = (id: string, score: number): FaqOutcome => ({
      type: 'none',
      candidates: [cand(id, score), cand('checkin_time', 0.2)],
      suggestions: [],
      outOfDomain: false,
    });
    // Neither is sure alone (0.62 < 0.75; 0.5 below the matcher's own threshold): together they agree.
    expect(got(fuseSemantic(leaning('pets', 0.5), view({ pets: 0.62, parking: 0.3 }), entries))).toBe('pets');
    // The words barely meet it: the provider alone, below its threshold, answers nothing.
    expect(got(fuseSemantic(leaning('pets', 0.3), view({ pets: 0.62, parking: 0.3 }), entries))).toBe('none');
    // Too far below the threshold, or level with another item: no answer either.
    expect(got(fuseSemantic(leaning('pets', 0.5), view({ pets: 0.5, parking: 0.3 }), entries))).toBe('none');
    expect(got(fuseSemantic(leaning('pets', 0.5), view({ pets: 0.62, parking: 0.61 }), entries))).not.toBe(
      'pets',
    );
    // Each leaning to another item: a clarifying menu offers both.
    expect(got(fuseSemantic(leaning('parking', 0.5), view({ pets: 0.62, parking: 0.3 }), entries))).toBe(
      'clarify:parking|pets',
    );
  });

  it('does not answer an agreement where each view is ahead only by a hair', () => {
    const close = (second: number): FaqOutcome => ({
      type: 'none',
      candidates: [cand('pets', 0.5), cand('parking', second)],
      suggestions: [],
      outOfDomain: false,
    });
    const wide = { ...view({ pets: 0.7, parking: 0.66 }), margin: 0.12 };
    // The provider 0.04 ahead (under its margin of 0.12), the matcher's next at 0.96 of its best: no answer.
    expect(got(fuseSemantic(close(0.48), wide, entries))).not.toBe('pets');
    // The words clearly prefer it (next at 0.6 of the best): the agreement answers.
    expect(got(fuseSemantic(close(0.3), wide, entries))).toBe('pets');
    // The provider clearly prefers it (ahead by its margin): the agreement answers too.
    expect(
      got(fuseSemantic(close(0.48), { ...wide, scores: view({ pets: 0.7, parking: 0.5 }).scores }, entries)),
    ).toBe('pets');
  });

  it('leaves a rating item to the matcher even when both lean to it', () => {
    const rated: FaqEntry[] = [
      ...entries,
      { id: 'rate_ok', label: '一般', questions: ['一般'], strict: true },
    ];
    const lexical: FaqOutcome = {
      type: 'none',
      candidates: [cand('rate_ok', 0.5)],
      suggestions: [],
      outOfDomain: false,
    };
    expect(got(fuseSemantic(lexical, view({ rate_ok: 0.62, parking: 0.3 }), rated))).toBe('none');
    // Sure of it alone (the runtime kept it out of the matcher's candidates): still not answered.
    expect(
      got(fuseSemantic({ ...lexical, candidates: [] }, view({ rate_ok: 0.95, parking: 0.3 }), rated)),
    ).toBe('none');
  });
});
