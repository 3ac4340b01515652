import { MAX_MESSAGE_LENGTH } from '../types';

/** Length in Unicode code points, as the server counts it (an emoji is one). */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

export interface DraftCheck {
  length: number;
  remaining: number;
  /** Nothing but whitespace: the server would refuse it. */
  blank: boolean;
  tooLong: boolean;
  canSend: boolean;
}

export function checkDraft(text: string): DraftCheck {
  const length = codePointLength(text);
  const blank = text.trim() === '';
  const tooLong = length > MAX_MESSAGE_LENGTH;
  return { length, remaining: MAX_MESSAGE_LENGTH - length, blank, tooLong, canSend: !blank && !tooLong };
}

/** A fresh idempotency key for one message: 32 hex digits (getRandomValues works on plain http too). */
export function newClientMsgId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
