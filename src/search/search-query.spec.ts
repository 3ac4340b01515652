import { describe, expect, it } from '@jest/globals';
import { parseSearchQuery } from './search-query.js';

const word = (text: string) => ({ text, wholeWord: false });

describe('parseSearchQuery (API.md, Search)', () => {
  it('folds words and phrases, and marks 1–2 letter words as whole words', () => {
    expect(parseSearchQuery('Café  "Exact   Phrase" go 東京 🚀').include).toEqual([
      word('cafe'),
      word('exact phrase'),
      { text: 'go', wholeWord: true },
      word('東京'),
      word('🚀'),
    ]);
  });

  it('reads exclusions and operators, case-insensitively, with @ and # allowed', () => {
    expect(
      parseSearchQuery('deploy -staging -"dry run" FROM:@Alice from:bob in:#ops in:@carol has:LINK'),
    ).toEqual({
      include: [word('deploy')],
      exclude: [word('staging'), word('dry run')],
      from: ['alice', 'bob'],
      in: ['ops', '@carol'],
      hasLink: true,
    });
  });

  it('reads before: and after: as UTC days, or instants', () => {
    const query = parseSearchQuery('before:2026-11-02 after:2026-10-31');
    expect(query.untilMs).toBe(Date.parse('2026-11-02T00:00:00Z'));
    expect(query.sinceMs).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(parseSearchQuery('after:2026-11-01T10:00:00Z').sinceMs).toBe(
      Date.parse('2026-11-01T10:00:00.001Z'),
    );
    expect(parseSearchQuery('before:2026-11-05 before:2026-11-03').untilMs).toBe(
      Date.parse('2026-11-03T00:00:00Z'),
    );
  });

  it('searches other name:value text, and a lone dash, as words', () => {
    expect(parseSearchQuery('http://x.org 12:30 - a').include.map((t) => t.text)).toEqual([
      'http://x.org',
      '12:30',
      '-',
      'a',
    ]);
  });

  it.each([
    ['   ', 'Search for at least one word'],
    ['-a -b', 'Search for at least one word'],
    ['`', 'Search for at least one word'],
    ['say "hi', 'The quote at character 5 is not closed'],
    ['in:', 'in: needs a value'],
    ['-from:bob x', '-from: cannot be excluded'],
    ['before:2026-02-30', 'before: "2026-02-30" is not a date'],
    ['after:soon', 'after: "soon" is not a date'],
    ['has:image', 'has: knows only "link"'],
    [Array.from({ length: 17 }, (_, i) => `w${i}`).join(' '), 'at most 16 words and phrases'],
    ['x'.repeat(501), 'longer than 500 characters'],
  ])('rejects %j: %s', (q, message) => {
    expect(() => parseSearchQuery(q)).toThrow(message);
  });
});
