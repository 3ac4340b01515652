import { describe, expect, it } from 'vitest';
import type { Channel } from '../types';
import { canLeave, canManageMembers, channelTitle, countIncoming, newestMessageId } from './channels';

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
const displayNameOf = (u: string) => names[u] ?? u;

describe('countIncoming', () => {
  const list = [channel('design', { unread: 2 }), channel('general'), channel('random')];

  it('counts messages in channels other than the open one, the user’s own from elsewhere too', () => {
    const { channels, unknown } = countIncoming(
      list,
      [
        { id: 10, channel: 'design', user: 'bob' },
        { id: 11, channel: 'design', user: 'carol' },
        { id: 12, channel: 'design', user: 'alice' },
        { id: 13, channel: 'general', user: 'bob' },
      ],
      'general',
    );
    expect(channels.map((c) => [c.name, c.unread, c.lastMessageId])).toEqual([
      ['design', 5, 12],
      ['general', 0, 13],
      ['random', 0, null],
    ]);
    expect(unknown).toEqual([]);
  });

  it('names the channels it does not know (a DM just opened by someone else)', () => {
    const { channels, unknown } = countIncoming(
      list,
      [{ id: 20, channel: 'dm-0123456789ab', user: 'bob' }],
      'general',
    );
    expect(channels).toEqual(list);
    expect(unknown).toEqual(['dm-0123456789ab']);
  });

  it('takes a message without a channel for general', () => {
    const { channels } = countIncoming(list, [{ id: 30, user: 'bob' }], 'design');
    expect(channels.find((c) => c.name === 'general')?.unread).toBe(1);
  });
});

describe('channelTitle', () => {
  it('names a DM by its other members’ display names, never by its dm- name', () => {
    const dm = channel('dm-0123456789ab', { kind: 'dm', private: true, members: ['alice', 'bob', 'carol'] });
    expect(channelTitle(dm, 'alice', displayNameOf)).toBe('Bob Builder, Carol Danvers');
    expect(channelTitle(dm, 'bob', displayNameOf)).toBe('Alice Liddell, Carol Danvers');
  });

  it('writes a channel with #', () => {
    expect(channelTitle(channel('design'), 'alice', displayNameOf)).toBe('#design');
  });
});

describe('who may do what', () => {
  it('lets owners and admins manage members, except in general and DMs', () => {
    expect(canManageMembers(channel('design', { role: 'owner' }), 'user')).toBe(true);
    expect(canManageMembers(channel('design', { role: 'member' }), 'user')).toBe(false);
    expect(canManageMembers(channel('design', { role: 'member' }), 'admin')).toBe(true);
    expect(canManageMembers(channel('general', { role: 'owner' }), 'admin')).toBe(false);
    expect(canManageMembers(channel('dm-0123456789ab', { kind: 'dm', role: 'owner' }), 'admin')).toBe(false);
  });

  it('lets members leave channels other than general, but not DMs', () => {
    expect(canLeave(channel('design'))).toBe(true);
    expect(canLeave(channel('design', { member: false }))).toBe(false);
    expect(canLeave(channel('general'))).toBe(false);
    expect(canLeave(channel('dm-0123456789ab', { kind: 'dm' }))).toBe(false);
  });
});

it('newestMessageId is the newest id over all channels (0 when all are empty)', () => {
  expect(newestMessageId([channel('a', { lastMessageId: 5 }), channel('b', { lastMessageId: 9 })])).toBe(9);
  expect(newestMessageId([channel('a')])).toBe(0);
});
