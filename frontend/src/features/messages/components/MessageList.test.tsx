import { render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Message, OutgoingMessage } from '../types';
import { MessageList } from './MessageList';

const NAMES: Record<string, string> = { alice: 'Alice Liddell', bob: 'Bob Builder' };
let nextId = 1;
const msg = (user: string, text: string, createdAt = '2026-11-27T10:00:00.000Z'): Message => ({
  id: nextId++,
  user,
  text,
  createdAt,
});

function renderList(messages: Message[], outbox: OutgoingMessage[] = [], handlers = {}) {
  return render(
    <MessageList
      channel="#general"
      messages={messages}
      outbox={outbox}
      me="alice"
      displayNameOf={(u) => NAMES[u] ?? u}
      hasOlder={false}
      loadingOlder={false}
      loadOlderFailed={false}
      onLoadOlder={() => undefined}
      onRetry={() => undefined}
      onDiscard={() => undefined}
      {...handlers}
    />,
  );
}

describe('MessageList', () => {
  it('shows markup in a message as text and runs nothing', () => {
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const { container } = renderList([msg('bob', payload)]);
    expect(screen.getByText(payload)).toBeInTheDocument();
    expect(container.querySelector('img, script')).toBeNull();
  });

  it('keeps line breaks and makes only http(s) links clickable, opening safely in a new tab', () => {
    renderList([msg('bob', 'docs:\nhttps://example.com/docs and javascript:alert(1)')]);
    const link = screen.getByRole('link', { name: 'https://example.com/docs' });
    expect(link).toHaveAttribute('href', 'https://example.com/docs');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    expect(screen.getAllByRole('link')).toHaveLength(1);
    expect(link.closest('p')?.textContent).toBe('docs:\nhttps://example.com/docs and javascript:alert(1)');
  });

  it('groups consecutive messages by author and day, with the full date on hover', () => {
    renderList([
      msg('alice', 'one', '2026-11-26T10:00:00.000Z'),
      msg('alice', 'two', '2026-11-26T10:01:00.000Z'),
      msg('bob', 'three', '2026-11-26T10:02:00.000Z'),
      msg('alice', 'four', '2026-11-26T10:03:00.000Z'),
    ]);
    const groups = screen.getAllByRole('article');
    expect(groups.map((g) => g.getAttribute('aria-label'))).toEqual([
      'Messages from Alice Liddell',
      'Messages from Bob Builder',
      'Messages from Alice Liddell',
    ]);
    expect(within(groups[0]!).getByText('one')).toBeInTheDocument();
    expect(within(groups[0]!).getByText('two')).toBeInTheDocument();
    const time = groups[0]!.querySelector('time');
    expect(time).toHaveAttribute('datetime', '2026-11-26T10:00:00.000Z');
    expect(time?.getAttribute('title')).toMatch(/2026/);
  });

  it('puts a day heading between days', () => {
    renderList([
      msg('bob', 'old', '2026-11-20T12:00:00.000Z'),
      msg('bob', 'new', '2026-11-21T12:00:00.000Z'),
    ]);
    expect(screen.getAllByRole('heading', { level: 2 })).toHaveLength(2);
  });

  it('shows a failed send with the server message and a retry button', () => {
    const onRetry = vi.fn();
    const failed: OutgoingMessage = {
      clientMsgId: 'c1',
      text: 'hi',
      status: 'failed',
      error: 'text must be at most 4000 characters',
    };
    renderList([], [failed], { onRetry });
    expect(screen.getByRole('alert')).toHaveTextContent('Not sent: text must be at most 4000 characters');
    screen.getByRole('button', { name: 'Retry' }).click();
    expect(onRetry).toHaveBeenCalledWith(failed);
  });

  it('marks the message it was opened at, and offers the newest when they are not shown', () => {
    const onShowNewest = vi.fn();
    const two = msg('bob', 'two');
    renderList([msg('bob', 'one'), two, msg('alice', 'three')], [], {
      focusId: two.id,
      hasNewer: true,
      onShowNewest,
    });
    const marked = screen.getByRole('log').querySelectorAll('[aria-current="true"]');
    expect(marked).toHaveLength(1);
    expect(marked[0]).toHaveTextContent('two');
    screen.getByRole('button', { name: 'Show the newest messages' }).click();
    expect(onShowNewest).toHaveBeenCalled();
  });
});
