import { afterAll, describe, expect, it } from '@jest/globals';
import type { ChannelRecord } from '../channel.js';
import type { ChannelStore } from './channel-store.js';

const design: ChannelRecord = {
  name: 'design',
  kind: 'channel',
  topic: 'pixels',
  private: true,
  createdBy: 'alice',
  createdAt: Date.parse('2026-11-27T10:00:00.000Z'),
};

/** The contract of the ChannelStore port, run against every store; `open` gives an empty store. */
export function describeChannelStore(name: string, open: () => Promise<ChannelStore>): void {
  const opened: ChannelStore[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((store) => store.close()));
  });
  const openStore = async () => {
    const store = await open();
    opened.push(store);
    return store;
  };

  describe(`${name} (ChannelStore contract)`, () => {
    it('starts with general, public and without member rows', async () => {
      const { channels, members } = await (await openStore()).load();
      expect(channels).toEqual([
        { name: 'general', kind: 'channel', topic: '', private: false, createdBy: 'system', createdAt: 0 },
      ]);
      expect(members).toEqual([]);
    });

    it('creates a channel with its first members once; a taken name changes nothing', async () => {
      const store = await openStore();
      expect(await store.create(design, [{ channel: 'design', username: 'alice', role: 'owner' }])).toBe(
        true,
      );
      expect(
        await store.create({ ...design, private: false }, [
          { channel: 'design', username: 'bob', role: 'owner' },
        ]),
      ).toBe(false);
      const { channels, members } = await store.load();
      expect(channels.find((c) => c.name === 'design')).toEqual(design);
      expect(members).toEqual([{ channel: 'design', username: 'alice', role: 'owner' }]);
    });

    it('adds members once and removes them', async () => {
      const store = await openStore();
      await store.create(design, [{ channel: 'design', username: 'alice', role: 'owner' }]);
      await store.addMember({ channel: 'design', username: 'bob', role: 'member' });
      await store.addMember({ channel: 'design', username: 'bob', role: 'owner' });
      await store.removeMember('design', 'alice');
      expect((await store.load()).members).toEqual([{ channel: 'design', username: 'bob', role: 'member' }]);
    });

    it('keeps read markers per user and channel, never moving them back', async () => {
      const store = await openStore();
      await store.markRead('general', 'alice', 50);
      await store.markRead('general', 'alice', 40);
      await store.markRead('design', 'alice', 7);
      await store.markRead('general', 'bob', 60);
      expect(await store.readMarkers('alice')).toEqual(
        new Map([
          ['general', 50],
          ['design', 7],
        ]),
      );
      expect(await store.readMarkers('carol')).toEqual(new Map());
    });
  });
}
