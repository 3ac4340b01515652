import { fold } from './fold.js';

/** A word or phrase of a query, folded (fold.ts). */
export interface SearchTerm {
  text: string;
  /** Matches only as a whole word: 1–2 letters or digits, none of them Chinese, Japanese or Korean. */
  wholeWord: boolean;
}

/** What a store searches for (API.md, Search); every part must hold. */
export interface SearchFilter {
  include: SearchTerm[];
  exclude: SearchTerm[];
  /** Sent by any of these users; empty: by anyone. */
  authors: string[];
  /** The channels to search: those the user can read, narrowed by `in:`; never empty. */
  channels: string[];
  /** Created at or after this instant (epoch ms). */
  sinceMs?: number;
  /** Created before this instant (epoch ms). */
  untilMs?: number;
  hasLink: boolean;
  /** Only messages with a smaller id (the next page). */
  beforeId?: number;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const LINK = /https?:\/\//;

const LETTERS = /^[\p{L}\p{N}]+$/u;

export function searchTerm(folded: string): SearchTerm {
  return { text: folded, wholeWord: [...folded].length < 3 && LETTERS.test(folded) && !CJK.test(folded) };
}

const wholeWords = new Map<string, RegExp>();

/** Letters and digits on neither side: `go` in `let's go!`, not in `good`. */
function wholeWordPattern(text: string): RegExp {
  let pattern = wholeWords.get(text);
  if (!pattern) {
    const escaped = text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu');
    if (wholeWords.size > 1000) wholeWords.clear();
    wholeWords.set(text, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

function contains(folded: string, term: SearchTerm): boolean {
  return term.wholeWord ? wholeWordPattern(term.text).test(folded) : folded.includes(term.text);
}

/** Whether folded message text satisfies the words, phrases and `has:` of `filter` (the rest is the store's). */
export function matchesText(filter: SearchFilter, folded: string): boolean {
  return (
    filter.include.every((term) => contains(folded, term)) &&
    !filter.exclude.some((term) => contains(folded, term)) &&
    (!filter.hasLink || LINK.test(folded))
  );
}

/** Where each term occurs in folded text, as [start, end) pairs. */
function occurrences(folded: string, term: SearchTerm): [number, number][] {
  if (term.wholeWord) {
    return [...folded.matchAll(wholeWordPattern(term.text))].map((m) => [m.index, m.index + m[0].length]);
  }
  const found: [number, number][] = [];
  for (let at = folded.indexOf(term.text); at >= 0; at = folded.indexOf(term.text, at + 1)) {
    found.push([at, at + term.text.length]);
  }
  return found;
}

/** The ranges of `text` (UTF-16 offsets, [start, end), sorted, merged) where the terms occur. */
export function highlights(terms: readonly SearchTerm[], text: string): [number, number][] {
  const { text: folded, offsets } = fold(text);
  const ranges = terms
    .flatMap((term) => occurrences(folded, term))
    .map(([start, end]): [number, number] => {
      // The original character of the last folded one, all of it (ﬁ folds to fi), with the accents folded away.
      const last = offsets[end - 1];
      let stop = last + (text.codePointAt(last)! > 0xffff ? 2 : 1);
      while (stop < text.length && /\p{M}/u.test(text[stop])) stop++;
      return [offsets[start], stop];
    })
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push(range);
  }
  return merged;
}
