import { describe, expect, it } from 'vitest';
import type { Highlight } from '../types';
import { excerpt, splitHighlights } from './highlight';

const marked = (text: string, highlights: Highlight[]) =>
  splitHighlights(text, highlights)
    .filter((part) => part.marked)
    .map((part) => part.text);

describe('splitHighlights', () => {
  it('marks each range and keeps the text between them, in order', () => {
    const text = 'deploy the database today';
    const parts = splitHighlights(text, [
      [0, 6],
      [11, 15],
    ]);
    expect(parts).toEqual([
      { text: 'deploy', marked: true },
      { text: ' the ', marked: false },
      { text: 'data', marked: true },
      { text: 'base today', marked: false },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(text);
  });

  it('counts offsets in UTF-16 code units: an emoji before a match takes two', () => {
    const text = '🎉🎉 deploy done 👍';
    expect(marked(text, [[5, 11]])).toEqual(['deploy']);
    expect(marked(text, [[17, 19]])).toEqual(['👍']);
  });

  it('marks Chinese and Japanese text inside longer words, after emoji', () => {
    const text = '会議は東京都で 🗼 明日';
    expect(marked(text, [[3, 5]])).toEqual(['東京']);
    expect(marked('🗼東京都', [[2, 4]])).toEqual(['東京']);
  });

  it('keeps ranges that touch as separate marks without losing a character', () => {
    const text = 'database';
    const parts = splitHighlights(text, [
      [0, 4],
      [4, 8],
    ]);
    expect(parts).toEqual([
      { text: 'data', marked: true },
      { text: 'base', marked: true },
    ]);
  });

  it('marks only what is left of a range that overlaps the one before or runs past the text', () => {
    const text = 'abcdefgh';
    const parts = splitHighlights(text, [
      [0, 4],
      [2, 6],
      [7, 99],
      [120, 130],
    ]);
    expect(parts).toEqual([
      { text: 'abcd', marked: true },
      { text: 'ef', marked: true },
      { text: 'g', marked: false },
      { text: 'h', marked: true },
    ]);
  });

  it('returns the text unmarked without highlights', () => {
    expect(splitHighlights('plain', [])).toEqual([{ text: 'plain', marked: false }]);
  });
});

describe('excerpt', () => {
  it('leaves a short text and its highlights as they are', () => {
    expect(excerpt('short deploy', [[6, 12]], 50)).toEqual({ text: 'short deploy', highlights: [[6, 12]] });
  });

  it('cuts a long text around its first highlight, and moves the highlights with it', () => {
    const text = `${'a'.repeat(200)} deploy ${'b'.repeat(200)}`;
    const cut = excerpt(text, [[201, 207]], 100);
    expect(cut.text.startsWith('…')).toBe(true);
    expect(cut.text.endsWith('…')).toBe(true);
    expect(marked(cut.text, cut.highlights)).toEqual(['deploy']);
  });

  it('drops highlights outside the excerpt and keeps one cut at its end in part', () => {
    const text = `deploy ${'x'.repeat(100)}deploy`;
    const cut = excerpt(
      text,
      [
        [0, 6],
        [107, 113],
      ],
      105,
    );
    expect(cut.highlights).toEqual([[0, 6]]);
    expect(cut.text).toBe(`${text.slice(0, 105)}…`);
  });

  it('never cuts an emoji in half', () => {
    const text = `${'🎉'.repeat(100)}deploy`;
    // 101 code units from the start would end inside the 51st emoji.
    const cut = excerpt(text, [[0, 2]], 101);
    expect(cut.text).toBe(`${'🎉'.repeat(51)}…`);
    const end = excerpt(text, [[200, 206]], 101);
    expect(end.text.startsWith('…🎉')).toBe(true);
    expect(marked(end.text, end.highlights)).toEqual(['deploy']);
  });
});
