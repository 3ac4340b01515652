import { describe, expect, it } from 'vitest';
import type { Message } from '../types';
import { checkDraft, codePointLength, newClientMsgId } from './draft';
import { dayLabel, groupMessages } from './group';
import { splitLinks } from './linkify';
import { mergeMessages } from './merge';

const msg = (id: number, user: string, createdAt: string, text = `m${id}`): Message => ({
  id,
  user,
  text,
  createdAt,
});

describe('mergeMessages', () => {
  it('keeps each id once and orders by id, whatever order the copies arrive in', () => {
    const current = [msg(1, 'a', '2026-11-27T10:00:00Z'), msg(3, 'a', '2026-11-27T10:00:02Z')];
    const merged = mergeMessages(current, [
      msg(3, 'a', '2026-11-27T10:00:02Z'),
      msg(2, 'b', '2026-11-27T10:00:01Z'),
    ]);
    expect(merged.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(mergeMessages(merged, merged).map((m) => m.id)).toEqual([1, 2, 3]);
    expect(mergeMessages(merged, [msg(4, 'a', '2026-11-27T10:00:03Z')]).map((m) => m.id)).toEqual([
      1, 2, 3, 4,
    ]);
  });
});

describe('groupMessages', () => {
  it('groups consecutive messages by author within a local day', () => {
    const sections = groupMessages([
      msg(1, 'alice', '2026-11-26T10:00:00'),
      msg(2, 'alice', '2026-11-26T10:01:00'),
      msg(3, 'bob', '2026-11-26T10:02:00'),
      msg(4, 'alice', '2026-11-26T10:03:00'),
      msg(5, 'alice', '2026-11-27T09:00:00'),
    ]);
    expect(sections.map((s) => s.day)).toEqual(['2026-11-26', '2026-11-27']);
    expect(sections[0]?.groups.map((g) => [g.user, g.messages.map((m) => m.id)])).toEqual([
      ['alice', [1, 2]],
      ['bob', [3]],
      ['alice', [4]],
    ]);
    expect(sections[1]?.groups.map((g) => g.messages.length)).toEqual([1]);
  });

  it('labels today and yesterday by name', () => {
    const now = new Date('2026-11-27T12:00:00');
    expect(dayLabel(new Date('2026-11-27T01:00:00'), now)).toBe('Today');
    expect(dayLabel(new Date('2026-11-26T23:00:00'), now)).toBe('Yesterday');
    expect(dayLabel(new Date('2026-11-20T12:00:00'), now)).toContain('2026');
  });
});

describe('splitLinks', () => {
  it('links http and https URLs and leaves trailing punctuation outside', () => {
    expect(splitLinks('see https://example.com/a?b=1. and (http://x.org/wiki_(a)) ok')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. and (' },
      { kind: 'link', text: 'http://x.org/wiki_(a)', href: 'http://x.org/wiki_(a)' },
      { kind: 'text', text: ') ok' },
    ]);
  });

  it('never links other schemes', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://x.org', 'vbscript:x']) {
      expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
    }
  });
});

describe('checkDraft', () => {
  it('counts code points, so an emoji is one character', () => {
    expect(codePointLength('👋🏽a')).toBe(3);
    expect(checkDraft('😀'.repeat(4000))).toMatchObject({ length: 4000, tooLong: false, canSend: true });
    expect(checkDraft('😀'.repeat(4001))).toMatchObject({ remaining: -1, tooLong: true, canSend: false });
  });

  it('refuses a draft of only whitespace', () => {
    expect(checkDraft(' \n\t ').canSend).toBe(false);
  });

  it('makes client message ids of 32 hex digits that differ', () => {
    const a = newClientMsgId();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newClientMsgId()).not.toBe(a);
  });
});
