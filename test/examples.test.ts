import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, exampleNames, transcript } from '../examples/transcript.ts';

describe('examples/', () => {
  it('has numbered examples', () => {
    expect(exampleNames().length).toBeGreaterThanOrEqual(8);
  });

  it.each(exampleNames())('%s gives exactly its expected.txt', async (name) => {
    const expected = readFileSync(join(EXAMPLES_DIR, name, 'expected.txt'), 'utf8');
    expect(await transcript(name)).toBe(expected);
  });
});
