import type { Highlight } from '../types';

export interface TextPart {
  text: string;
  marked: boolean;
}

/** Longer text is cut to an excerpt of about this many UTF-16 code units around its first highlight. */
const EXCERPT_LENGTH = 280;
/** How much of the text before the first highlight an excerpt keeps. */
const EXCERPT_LEAD = 60;

/**
 * `text` cut into plain and marked parts at the highlights ([start, end) in UTF-16 code units, the way
 * JavaScript indexes strings, so an emoji counts two). The server sends them sorted and apart; should one
 * overlap the one before it or reach past the text, only what is left of it is marked.
 */
export function splitHighlights(text: string, highlights: readonly Highlight[]): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const [from, to] of highlights) {
    const start = Math.max(at, from);
    const end = Math.min(to, text.length);
    if (end <= start) continue;
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}

/** Whether `text[index]` is the second half of a character beyond U+FFFF (most emoji). */
function isLowSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * A long text cut to an excerpt that shows its first highlight, with `…` where it was cut, and the highlights
 * moved to match; a short text as it is.
 */
export function excerpt(
  text: string,
  highlights: readonly Highlight[],
  length = EXCERPT_LENGTH,
): { text: string; highlights: Highlight[] } {
  if (text.length <= length) return { text, highlights: [...highlights] };
  let start = Math.max(0, Math.min((highlights[0]?.[0] ?? 0) - EXCERPT_LEAD, text.length - length));
  let end = start + length;
  if (isLowSurrogate(text, start)) start -= 1;
  if (isLowSurrogate(text, end)) end += 1;
  const lead = start > 0 ? '…' : '';
  const shift = lead.length - start;
  return {
    text: `${lead}${text.slice(start, end)}${end < text.length ? '…' : ''}`,
    highlights: highlights
      .map(([from, to]): Highlight => [Math.max(from, start) + shift, Math.min(to, end) + shift])
      .filter(([from, to]) => from < to),
  };
}
