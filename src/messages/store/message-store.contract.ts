import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Message, MessagePage } from '../message.js';
import type { MessageStore } from './message-store.js';

const T0 = Date.parse('2026-11-27T10:00:00.000Z');
/** A `notBefore` that keeps everything, for tests that are not about the TTL. */
const KEEP_ALL = 0;

/** The channel of the tests that are not about channels. */
const C = 'general';

function message(id: number, overrides: Partial<Message> = {}): Message {
  return {
    id,
    channel: C,
    user: 'alice',
    text: `message ${id}`,
    createdAt: new Date(T0 + id).toISOString(),
    ...overrides,
  };
}

const idsOf = (page: MessagePage) => page.messages.map((m) => m.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The contract of the MessageStore port, run against every store (memory, SQLite, PostgreSQL). `open` gives an empty
 * store with the given count cap; every store opened is closed after the suite.
 */
export function describeMessageStore(
  name: string,
  open: (maxMessages: number) => Promise<MessageStore>,
): void {
  const opened: MessageStore[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((store) => store.close()));
  });
  async function openStore(maxMessages: number): Promise<MessageStore> {
    const store = await open(maxMessages);
    opened.push(store);
    return store;
  }
  async function storeWith(ids: number[], maxMessages = 1000): Promise<MessageStore> {
    const store = await openStore(maxMessages);
    for (const id of ids) await store.append(message(id), KEEP_ALL);
    return store;
  }

  describe(`${name} (MessageStore contract)`, () => {
    describe('append', () => {
      it('stores the message exactly as given, with the id chosen by the caller', async () => {
        const store = await openStore(10);
        const given = message(42, { clientMsgId: 'c-1', text: '  hi\n' });

        const result = await store.append(given, KEEP_ALL);

        expect(result).toEqual({ message: given, created: true });
        expect((await store.latest(C, 10, KEEP_ALL)).messages).toEqual([given]);
        expect(await store.lastId()).toBe(42);
      });

      it('reports lastId 0 when nothing was ever stored', async () => {
        expect(await (await openStore(10)).lastId()).toBe(0);
      });

      it('places a message with an id at or below the highest after it, with the next id', async () => {
        const store = await storeWith([5]);
        const lower = await store.append(message(4, { text: 'late' }), KEEP_ALL);
        const equal = await store.append(message(6, { text: 'again' }), KEEP_ALL);
        expect(lower).toEqual({
          message: message(6, { text: 'late', createdAt: message(5).createdAt }),
          created: true,
        });
        expect(equal.message.id).toBe(7);
        expect(idsOf(await store.latest(C, 10, KEEP_ALL))).toEqual([5, 6, 7]);
        expect(await store.lastId()).toBe(7);
      });

      it('never lets creation times go back: an older draft takes the newest time', async () => {
        const store = await storeWith([5]);
        const older = await store.append(message(6, { createdAt: new Date(T0).toISOString() }), KEEP_ALL);
        expect(older.message).toEqual(message(6, { createdAt: message(5).createdAt }));
      });

      it('never gives an id at or below one already evicted', async () => {
        const store = await storeWith([1, 2, 3]);
        expect(await store.evict(T0 + 1000)).toBe(3);

        expect((await store.append(message(3), KEEP_ALL)).message.id).toBe(4);
        expect(await store.lastId()).toBe(4);
      });
    });

    describe('count cap', () => {
      it('drops the oldest message as soon as the cap is exceeded, without an eviction run', async () => {
        const store = await storeWith([1, 2, 3], 3);

        await store.append(message(4), KEEP_ALL);

        const page = await store.latest(C, 10, KEEP_ALL);
        expect(idsOf(page)).toEqual([2, 3, 4]);
        expect(page.hasOlder).toBe(false);
        expect(idsOf(await store.after(C, 0, 10, KEEP_ALL))).toEqual([2, 3, 4]);
        expect(idsOf(await store.before(C, 3, 10, KEEP_ALL))).toEqual([2]);
      });

      it('keeps lastId past dropped messages', async () => {
        const store = await storeWith(range(1, 5), 2);
        expect(await store.lastId()).toBe(5);
      });

      it('frees the clientMsgId of a message dropped by the cap', async () => {
        const store = await openStore(1);
        await store.append(message(1, { clientMsgId: 'c' }), KEEP_ALL);
        await store.append(message(2), KEEP_ALL);

        expect(await store.findByClientMsgId('alice', 'c', KEEP_ALL)).toBeUndefined();
        const retry = await store.append(message(3, { clientMsgId: 'c' }), KEEP_ALL);
        expect(retry.created).toBe(true);
      });
    });

    describe('latest', () => {
      it('returns the newest messages ascending, with hasOlder when more exist', async () => {
        const store = await storeWith(range(1, 10));
        expect(await store.latest(C, 3, KEEP_ALL)).toEqual({
          messages: [message(8), message(9), message(10)],
          hasOlder: true,
          hasNewer: false,
        });
      });

      it('returns everything without hasOlder when the limit covers all', async () => {
        const store = await storeWith(range(1, 3));
        const page = await store.latest(C, 3, KEEP_ALL);
        expect(idsOf(page)).toEqual([1, 2, 3]);
        expect(page).toMatchObject({ hasOlder: false, hasNewer: false });
        expect(await store.latest(C, 50, KEEP_ALL)).toEqual(page);
      });

      it('returns an empty page from an empty store', async () => {
        expect(await (await openStore(10)).latest(C, 50, KEEP_ALL)).toEqual({
          messages: [],
          hasOlder: false,
          hasNewer: false,
        });
      });
    });

    describe('before', () => {
      let store: MessageStore;
      beforeAll(async () => {
        store = await storeWith(range(1, 10));
      });

      it.each([
        ['from beyond the newest', 100, 3, [8, 9, 10], true, false],
        ['from just past the newest', 11, 3, [8, 9, 10], true, false],
        ['from the newest', 10, 3, [7, 8, 9], true, true],
        ['from the middle', 6, 3, [3, 4, 5], true, true],
        ['reaching the oldest exactly', 4, 3, [1, 2, 3], false, true],
        ['with a limit past the oldest', 3, 5, [1, 2], false, true],
        ['from the oldest', 1, 3, [], false, true],
        ['from older than all', 0, 3, [], false, true],
      ])('pages %s', async (_name, id, limit, ids, hasOlder, hasNewer) => {
        const page = await store.before(C, id, limit, KEEP_ALL);
        expect(idsOf(page)).toEqual(ids);
        expect(page).toMatchObject({ hasOlder, hasNewer });
      });

      it('uses the id as a bound, not a position, when ids have gaps', async () => {
        const gappy = await storeWith([10, 20, 30, 40]);
        const page = await gappy.before(C, 35, 2, KEEP_ALL);
        expect(idsOf(page)).toEqual([20, 30]);
        expect(page).toMatchObject({ hasOlder: true, hasNewer: true });
      });

      it('returns an empty page from an empty store', async () => {
        expect(await (await openStore(10)).before(C, 5, 10, KEEP_ALL)).toEqual({
          messages: [],
          hasOlder: false,
          hasNewer: false,
        });
      });
    });

    describe('after', () => {
      let store: MessageStore;
      beforeAll(async () => {
        store = await storeWith(range(1, 10));
      });

      it.each([
        ['from 0, meaning the oldest retained', 0, 3, [1, 2, 3], false, true],
        ['from the oldest', 1, 3, [2, 3, 4], true, true],
        ['from the middle', 5, 3, [6, 7, 8], true, true],
        ['reaching the newest exactly', 7, 3, [8, 9, 10], true, false],
        ['with a limit past the newest', 8, 5, [9, 10], true, false],
        ['from the newest', 10, 3, [], true, false],
        ['from beyond all', 100, 3, [], true, false],
      ])('pages %s', async (_name, id, limit, ids, hasOlder, hasNewer) => {
        const page = await store.after(C, id, limit, KEEP_ALL);
        expect(idsOf(page)).toEqual(ids);
        expect(page).toMatchObject({ hasOlder, hasNewer });
      });

      it('uses the id as a bound, not a position, when ids have gaps', async () => {
        const gappy = await storeWith([10, 20, 30, 40]);
        const page = await gappy.after(C, 15, 2, KEEP_ALL);
        expect(idsOf(page)).toEqual([20, 30]);
        expect(page).toMatchObject({ hasOlder: true, hasNewer: true });
      });

      it('returns an empty page from an empty store', async () => {
        expect(await (await openStore(10)).after(C, 0, 10, KEEP_ALL)).toEqual({
          messages: [],
          hasOlder: false,
          hasNewer: false,
        });
      });
    });

    describe('TTL on reads, before any eviction', () => {
      // Message n is created at T0 + n ms, so notBefore = T0 + 4 retains 4..10.
      const notBefore = T0 + 4;
      let store: MessageStore;
      beforeAll(async () => {
        store = await storeWith(range(1, 10));
      });

      it('latest never reaches an expired message and has no older one', async () => {
        const page = await store.latest(C, 50, notBefore);
        expect(idsOf(page)).toEqual(range(4, 10));
        expect(page).toMatchObject({ hasOlder: false, hasNewer: false });
      });

      it('before stops at the oldest retained message', async () => {
        const page = await store.before(C, 7, 50, notBefore);
        expect(idsOf(page)).toEqual([4, 5, 6]);
        expect(page.hasOlder).toBe(false);
      });

      it('before an expired id is empty and reports the retained newer ones', async () => {
        const page = await store.before(C, 3, 50, notBefore);
        expect(idsOf(page)).toEqual([]);
        expect(page).toMatchObject({ hasOlder: false, hasNewer: true });
      });

      // Expired messages not yet evicted must not eat into the limit of a page.
      it('after 0 starts at the oldest retained message and fills the page', async () => {
        const page = await store.after(C, 0, 2, notBefore);
        expect(idsOf(page)).toEqual([4, 5]);
        expect(page).toMatchObject({ hasOlder: false, hasNewer: true });
      });

      it('after an expired id returns a full page from the oldest retained message', async () => {
        const page = await store.after(C, 2, 3, notBefore);
        expect(idsOf(page)).toEqual([4, 5, 6]);
        expect(page).toMatchObject({ hasOlder: false, hasNewer: true });
      });

      it('after an expired id with a large limit returns every retained message', async () => {
        const page = await store.after(C, 2, 50, notBefore);
        expect(idsOf(page)).toEqual(range(4, 10));
        expect(page).toMatchObject({ hasOlder: false, hasNewer: false });
      });

      it('keeps a message created exactly at notBefore', async () => {
        expect(idsOf(await store.latest(C, 1, T0 + 10))).toEqual([10]);
      });

      it('returns nothing once every message is expired', async () => {
        expect(await store.latest(C, 50, T0 + 11)).toEqual({
          messages: [],
          hasOlder: false,
          hasNewer: false,
        });
      });

      it('findByClientMsgId ignores an expired original', async () => {
        const s = await openStore(10);
        await s.append(message(1, { clientMsgId: 'c' }), KEEP_ALL);
        expect(await s.findByClientMsgId('alice', 'c', T0 + 1)).toEqual(message(1, { clientMsgId: 'c' }));
        expect(await s.findByClientMsgId('alice', 'c', T0 + 2)).toBeUndefined();
      });
    });

    describe('evict', () => {
      it('returns how many messages it freed and keeps the rest', async () => {
        const store = await storeWith(range(1, 10));

        expect(await store.evict(T0 + 4)).toBe(3);
        expect(await store.evict(T0 + 4)).toBe(0);

        expect(idsOf(await store.latest(C, 50, KEEP_ALL))).toEqual(range(4, 10));
      });

      it('returns 0 on an empty store', async () => {
        expect(await (await openStore(10)).evict(T0)).toBe(0);
      });

      it('frees more expired messages than one batch in one run', async () => {
        const store = await storeWith(range(1, 1200), 2000);
        expect(await store.evict(T0 + 1101)).toBe(1100);
        expect(idsOf(await store.latest(C, 200, KEEP_ALL))).toEqual(range(1101, 1200));
      });

      it('frees the clientMsgId entries of evicted messages', async () => {
        const store = await openStore(10);
        await store.append(message(1, { clientMsgId: 'c' }), KEEP_ALL);
        await store.evict(T0 + 2);

        // With notBefore 0 the original would still be visible if its index entry had survived.
        expect(await store.findByClientMsgId('alice', 'c', KEEP_ALL)).toBeUndefined();
        const again = message(2, { clientMsgId: 'c' });
        expect(await store.append(again, KEEP_ALL)).toEqual({ message: again, created: true });
      });
    });

    describe('channels', () => {
      // Ids 1..9 in three channels: a gets 1,4,7; b gets 2,5,8; c gets 3,6,9.
      const inThree = async (maxMessages = 1000) => {
        const store = await openStore(maxMessages);
        for (let id = 1; id <= 9; id++)
          await store.append(message(id, { channel: 'abc'[(id - 1) % 3] }), KEEP_ALL);
        return store;
      };

      it('pages only through the messages of the channel asked for', async () => {
        const store = await inThree();
        expect(idsOf(await store.latest('a', 10, KEEP_ALL))).toEqual([1, 4, 7]);
        expect(await store.before('b', 8, 1, KEEP_ALL)).toEqual({
          messages: [message(5, { channel: 'b' })],
          hasOlder: true,
          hasNewer: true,
        });
        expect(await store.after('c', 3, 10, KEEP_ALL)).toMatchObject({ hasOlder: true, hasNewer: false });
        expect(idsOf(await store.after('c', 3, 10, KEEP_ALL))).toEqual([6, 9]);
        expect(await store.bounds('b', KEEP_ALL)).toEqual({ oldestId: 2, newestId: 8 });
        expect(await store.latest('none', 10, KEEP_ALL)).toEqual({
          messages: [],
          hasOlder: false,
          hasNewer: false,
        });
      });

      it('merges several channels in id order for a replay', async () => {
        const store = await inThree();
        expect(await store.afterIn(['a', 'c'], 3, 3, KEEP_ALL)).toEqual({
          messages: [4, 6, 7].map((id) => message(id, { channel: 'ac'[id % 3 === 1 ? 0 : 1] })),
          hasOlder: false,
          hasNewer: true,
        });
        expect(idsOf(await store.afterIn(['a', 'c'], 7, 10, KEEP_ALL))).toEqual([9]);
        expect(idsOf(await store.afterIn(['b'], 0, 10, T0 + 3))).toEqual([5, 8]);
        expect((await store.afterIn([], 0, 10, KEEP_ALL)).messages).toEqual([]);
      });

      it('reads the retained messages after an id in every channel, oldest first', async () => {
        const store = await inThree();
        expect(await store.afterAny(3, 3, KEEP_ALL)).toEqual(
          [4, 5, 6].map((id) => message(id, { channel: 'abc'[(id - 1) % 3] })),
        );
        expect((await store.afterAny(0, 100, T0 + 7)).map((m) => m.id)).toEqual([7, 8, 9]);
        expect(await store.afterAny(9, 10, KEEP_ALL)).toEqual([]);
      });

      it('applies the count cap per channel', async () => {
        const store = await inThree(2);
        expect(idsOf(await store.latest('a', 10, KEEP_ALL))).toEqual([4, 7]);
        expect(idsOf(await store.latest('b', 10, KEEP_ALL))).toEqual([5, 8]);
        expect(await store.lastGoneId(['a'], KEEP_ALL)).toBe(1);
        expect(await store.lastGoneId(['b', 'c'], KEEP_ALL)).toBe(3);
        expect(await store.lastGoneId(['none'], KEEP_ALL)).toBe(0);
      });

      it('counts the retained messages after an id in one channel', async () => {
        const store = await inThree();
        expect(await store.countAfter('a', 0, KEEP_ALL)).toBe(3);
        expect(await store.countAfter('a', 4, KEEP_ALL)).toBe(1);
        expect(await store.countAfter('a', 0, T0 + 2)).toBe(2);
        expect(await store.countAfter('a', 9, KEEP_ALL)).toBe(0);
        expect(await store.countAfter('none', 0, KEEP_ALL)).toBe(0);
      });

      it('keeps clientMsgIds unique per user across channels', async () => {
        const store = await openStore(10);
        const original = message(1, { channel: 'a', clientMsgId: 'same' });
        await store.append(original, KEEP_ALL);
        expect(await store.append(message(2, { channel: 'b', clientMsgId: 'same' }), KEEP_ALL)).toEqual({
          message: original,
          created: false,
        });
      });

      it('evicts expired messages of every channel, and remembers the newest gone per channel', async () => {
        const store = await inThree();
        expect(await store.evict(T0 + 5)).toBe(4);
        expect(idsOf(await store.afterIn(['a', 'b', 'c'], 0, 10, KEEP_ALL))).toEqual([5, 6, 7, 8, 9]);
        expect(await store.lastGoneId(['a'], KEEP_ALL)).toBe(4);
        expect(await store.lastGoneId(['c'], KEEP_ALL)).toBe(3);
      });
    });

    describe('lastGoneId', () => {
      it('is 0 while nothing is gone', async () => {
        expect(await (await storeWith([1, 2])).lastGoneId([C], KEEP_ALL)).toBe(0);
      });

      it('is the newest expired id by notBefore, before any eviction', async () => {
        expect(await (await storeWith(range(1, 5))).lastGoneId([C], T0 + 4)).toBe(3);
      });

      it('remembers the newest id dropped by the cap or evicted, even when no row is left', async () => {
        const capped = await storeWith(range(1, 5), 2);
        expect(await capped.lastGoneId([C], KEEP_ALL)).toBe(3);

        const evicted = await storeWith(range(1, 5));
        expect(await evicted.evict(T0 + 6)).toBe(5);
        expect(await evicted.lastGoneId([C], KEEP_ALL)).toBe(5);
        expect(await evicted.lastId()).toBe(5);
        expect(await evicted.bounds(C, KEEP_ALL)).toEqual({ oldestId: null, newestId: null });
      });
    });

    describe('clientMsgId idempotency', () => {
      it('returns the original and stores nothing when the same user repeats a clientMsgId', async () => {
        const store = await openStore(10);
        const original = message(1, { clientMsgId: 'c' });
        await store.append(original, KEEP_ALL);

        const retry = await store.append(message(2, { clientMsgId: 'c', text: 'different' }), KEEP_ALL);

        expect(retry).toEqual({ message: original, created: false });
        expect(idsOf(await store.latest(C, 50, KEEP_ALL))).toEqual([1]);
        expect(await store.lastId()).toBe(1);
      });

      it('treats the same clientMsgId from another user as a different message', async () => {
        const store = await openStore(10);
        await store.append(message(1, { clientMsgId: 'c' }), KEEP_ALL);
        const bobs = message(2, { user: 'bob', clientMsgId: 'c' });

        expect(await store.append(bobs, KEEP_ALL)).toEqual({ message: bobs, created: true });
        expect(await store.findByClientMsgId('bob', 'c', KEEP_ALL)).toEqual(bobs);
        expect(await store.findByClientMsgId('alice', 'c', KEEP_ALL)).toEqual(
          message(1, { clientMsgId: 'c' }),
        );
        expect(await store.findByClientMsgId('carol', 'c', KEEP_ALL)).toBeUndefined();
      });

      it('does not confuse users and ids whose concatenation is equal', async () => {
        const store = await openStore(10);
        await store.append(message(1, { user: 'ab', clientMsgId: 'c' }), KEEP_ALL);
        const other = message(2, { user: 'a', clientMsgId: 'bc' });
        expect((await store.append(other, KEEP_ALL)).created).toBe(true);
      });

      it('lets a new message through once the original has expired, even before eviction', async () => {
        const store = await openStore(10);
        await store.append(message(1, { clientMsgId: 'c' }), KEEP_ALL);
        const again = message(2, { clientMsgId: 'c' });

        expect(await store.append(again, T0 + 2)).toEqual({ message: again, created: true });
        expect(await store.findByClientMsgId('alice', 'c', T0 + 2)).toEqual(again);
      });

      it('does not index messages sent without a clientMsgId', async () => {
        const store = await storeWith([1, 2]);
        expect((await store.append(message(3), KEEP_ALL)).created).toBe(true);
        expect(idsOf(await store.latest(C, 50, KEEP_ALL))).toEqual([1, 2, 3]);
      });
    });

    describe('walking all retained messages', () => {
      const COUNT = 1000;
      const PAGE = 37;
      // 1200 appended under a cap of 1000, of which the first 50 retained ones are then expired by notBefore.
      let store: MessageStore;
      beforeAll(async () => {
        store = await storeWith(range(1, COUNT + 200), COUNT);
      });
      const notBefore = T0 + 251;
      const retained = range(251, COUNT + 200);

      it('visits every retained message exactly once going back with before from the newest', async () => {
        const seen: number[] = [];
        let page = await store.latest(C, PAGE, notBefore);
        seen.unshift(...idsOf(page));
        while (page.hasOlder) {
          page = await store.before(C, page.messages[0].id, PAGE, notBefore);
          expect(page.messages.length).toBeGreaterThan(0);
          seen.unshift(...idsOf(page));
        }
        expect(seen).toEqual(retained);
      });

      // With 50 expired messages at the front, a client catching up from 0 must not get stuck on an empty page.
      it('visits every retained message exactly once going forward with after from 0', async () => {
        await expectForwardWalk(notBefore, retained);
      });

      it('visits every message exactly once going forward with after from 0 when none is expired', async () => {
        await expectForwardWalk(KEEP_ALL, range(201, COUNT + 200));
      });

      async function expectForwardWalk(notBefore: number, expected: number[]) {
        const seen: number[] = [];
        let page = await store.after(C, 0, PAGE, notBefore);
        expect(page.messages.length).toBeGreaterThan(0);
        seen.push(...idsOf(page));
        while (page.hasNewer) {
          page = await store.after(C, page.messages[page.messages.length - 1].id, PAGE, notBefore);
          expect(page.messages.length).toBeGreaterThan(0);
          seen.push(...idsOf(page));
        }
        expect(seen).toEqual(expected);
      }
    });
  });

  describe(`${name}.bounds`, () => {
    const at = (seconds: number) =>
      new Date(Date.parse('2026-11-27T10:00:00.000Z') + seconds * 1000).toISOString();

    it('gives the oldest and newest retained ids, skipping expired ones, and nulls when none is retained', async () => {
      const store = await openStore(3);
      expect(await store.bounds(C, 0)).toEqual({ oldestId: null, newestId: null });
      for (let i = 1; i <= 4; i++)
        await store.append({ id: i, channel: C, user: 'u', text: 't', createdAt: at(i) }, 0);
      expect(await store.bounds(C, 0)).toEqual({ oldestId: 2, newestId: 4 });
      expect(await store.bounds(C, Date.parse(at(3)))).toEqual({ oldestId: 3, newestId: 4 });
      expect(await store.bounds(C, Date.parse(at(5)))).toEqual({ oldestId: null, newestId: null });
    });
  });
}
