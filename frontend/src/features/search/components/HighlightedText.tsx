import type { Highlight } from '../types';
import { excerpt, splitHighlights } from '../utils/highlight';

/** A message's text (an excerpt of a long one) as plain text, with the parts that matched in `<mark>`. */
export function HighlightedText(props: {
  text: string;
  highlights: readonly Highlight[];
  className?: string;
}) {
  const { text, highlights } = excerpt(props.text, props.highlights);
  return (
    <span className={props.className}>
      {splitHighlights(text, highlights).map((part, i) =>
        part.marked ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
      )}
    </span>
  );
}
