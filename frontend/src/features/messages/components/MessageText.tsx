import { splitLinks } from '../utils/linkify';

/** A message's text exactly as sent: plain text (line breaks kept by CSS), with http(s) links made clickable. */
export function MessageText({ text, className }: { text: string; className?: string }) {
  return (
    <p className={className}>
      {splitLinks(text).map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </p>
  );
}
