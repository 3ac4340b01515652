import { render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Channel } from '../types';
import { ChannelSidebar } from './ChannelSidebar';

const channel = (name: string, extra: Partial<Channel> = {}): Channel => ({
  name,
  kind: 'channel',
  topic: '',
  private: false,
  member: true,
  role: 'member',
  unread: 0,
  lastMessageId: null,
  ...extra,
});
const names: Record<string, string> = { alice: 'Alice Liddell', bob: 'Bob Builder', carol: 'Carol Danvers' };

function renderSidebar(channels: Channel[], open = 'general') {
  const handlers = { onSelect: vi.fn(), onCreateChannel: vi.fn(), onNewDm: vi.fn() };
  render(
    <ChannelSidebar
      channels={channels}
      open={open}
      me="alice"
      displayNameOf={(u) => names[u] ?? u}
      {...handlers}
    />,
  );
  return handlers;
}

describe('ChannelSidebar', () => {
  it('lists channels and DMs apart, DMs by their members’ names, each a link to its hash', () => {
    renderSidebar([
      channel('design'),
      channel('general'),
      channel('secret', { private: true }),
      channel('dm-0123456789ab', { kind: 'dm', private: true, members: ['alice', 'bob'] }),
      channel('dm-ba9876543210', { kind: 'dm', private: true, members: ['alice', 'bob', 'carol'] }),
    ]);
    const rooms = within(screen.getByRole('navigation', { name: 'Channels' }));
    expect(rooms.getAllByRole('link').map((l) => l.textContent)).toEqual([
      '# design',
      '# general',
      'secret (private)',
    ]);
    const dms = within(screen.getByRole('navigation', { name: 'Direct messages' }));
    expect(dms.getByRole('link', { name: 'Bob Builder' })).toHaveAttribute('href', '#dm-0123456789ab');
    expect(dms.getByRole('link', { name: 'Bob Builder, Carol Danvers' })).toBeInTheDocument();
    expect(screen.queryByText(/dm-/)).not.toBeInTheDocument();
  });

  it('shows unread counts, except for the open channel, which is marked current', () => {
    renderSidebar([channel('design', { unread: 3 }), channel('general', { unread: 5 })]);
    expect(screen.getByRole('link', { name: '# design 3 unread' })).toBeInTheDocument();
    const general = screen.getByRole('link', { name: '# general' });
    expect(general).toHaveAttribute('aria-current', 'page');
    expect(general).not.toHaveTextContent('5');
  });

  it('offers to create a channel and to start a DM', () => {
    const handlers = renderSidebar([channel('general')]);
    screen.getByRole('button', { name: 'Create a channel' }).click();
    screen.getByRole('button', { name: 'New direct message' }).click();
    expect(handlers.onCreateChannel).toHaveBeenCalledOnce();
    expect(handlers.onNewDm).toHaveBeenCalledOnce();
    expect(screen.getByText('None yet')).toBeInTheDocument();
  });
});
