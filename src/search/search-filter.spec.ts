import { describe, expect, it } from '@jest/globals';
import { fold, foldText } from './fold.js';
import { highlights, searchTerm } from './search-filter.js';

const marked = (text: string, ...terms: string[]) =>
  highlights(
    terms.map((t) => searchTerm(foldText(t))),
    text,
  ).map(([start, end]) => text.slice(start, end));

describe('fold', () => {
  it('folds compatibility forms, accents, case, backticks and white space', () => {
    expect(foldText('Ｃafé  `x`\n\tÅngström ﬁx')).toBe('cafe x angstrom fix');
  });

  it('takes the same result on the ASCII fast path as character by character', () => {
    const ascii = 'Run `npm  test` NOW, 100% ok';
    expect(foldText(ascii)).toBe(fold(ascii).text);
  });

  it('maps every folded character back to its place in the original', () => {
    const { text, offsets } = fold('e\u0301 🚀x');
    expect(text).toBe('e 🚀x');
    expect(offsets).toEqual([0, 2, 3, 3, 5, 6]);
  });
});

describe('highlights', () => {
  it('marks what matched in the original text, accents and case as written', () => {
    expect(marked('The Café and the CAFE', 'cafe')).toEqual(['Café', 'CAFE']);
  });

  it('counts offsets in UTF-16 code units past emoji and CJK text', () => {
    const text = '🚀🚀 東京都 rocket';
    expect(highlights([searchTerm('東京'), searchTerm('rocket')], text)).toEqual([
      [5, 7],
      [9, 15],
    ]);
  });

  it('merges overlapping matches and sorts them', () => {
    expect(marked('database', 'base', 'data', 'tab')).toEqual(['database']);
  });

  it('marks only whole words for 1–2 letter terms', () => {
    expect(marked('go good, go!', 'go')).toEqual(['go', 'go']);
  });

  it('spans a word split by an inline code span, and a ligature as a whole', () => {
    expect(marked('the data`base` is', 'database')).toEqual(['data`base']);
    expect(marked('un cafe\u0301!', 'cafe')).toEqual(['cafe\u0301']);
    expect(marked('a ﬁle', 'fi')).toEqual([]);
    expect(marked('a ﬁle', 'fil')).toEqual(['ﬁl']);
  });
});
