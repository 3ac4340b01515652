/**
 * Search compares folded text: Unicode compatibility forms decomposed (full-width `Ａ` is `a`, `ﬁ` is `fi`), Latin,
 * Greek and Cyrillic accents dropped (U+0300–U+036F; the voicing marks of Japanese kana are kept: が is not か), lower
 * case, backticks dropped (a word split by an inline code span, ``data`base` ``, is whole), and every run of white
 * space one space. The stores index the folded text; the query is folded the same way.
 */
export interface Folded {
  text: string;
  /** `offsets[i]` is the index in the original text of the character folded into `text[i]`; one more at the end. */
  offsets: number[];
}

const ACCENTS = /[\u0300-\u036f]/g;
/** Text that folds to itself lower-cased, less backticks and extra white space: printable ASCII. */
const PLAIN = /^[\x20-\x7e]*$/;

function foldChar(ch: string): string {
  if (ch === '`') return '';
  if (/\s/.test(ch)) return ' ';
  return ch.normalize('NFKD').replace(ACCENTS, '').normalize('NFC').toLowerCase();
}

/** The folded text with the way back to the original's offsets (for highlights). */
export function fold(text: string): Folded {
  let folded = '';
  const offsets: number[] = [];
  let at = 0;
  for (const ch of text) {
    const f = foldChar(ch);
    if (!(f === ' ' && folded.endsWith(' '))) {
      for (let i = 0; i < f.length; i++) offsets.push(at);
      folded += f;
    }
    at += ch.length;
  }
  offsets.push(at);
  return { text: folded, offsets };
}

/** The folded text alone, as the stores index it; printable ASCII takes a fast path with the same result. */
export function foldText(text: string): string {
  if (PLAIN.test(text)) return text.toLowerCase().replaceAll('`', '').replace(/ {2,}/g, ' ');
  return fold(text).text;
}
