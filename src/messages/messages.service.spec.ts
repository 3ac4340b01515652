import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { RateLimits } from '../common/rate-limit.js';
import { toAppConfig } from '../config/app.config.js';
import { validateEnvironment } from '../config/env.schema.js';
import { GENERAL, type Message } from './message.js';
import { InProcessMessageHub } from './message-hub.js';
import { MessagesService } from './messages.service.js';
import { MemoryMessageStore } from './store/memory-message.store.js';
import { FakeClock } from '../../test/support/fake-clock.js';

const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const TTL_SECONDS = 60;

function setup(env: Record<string, string> = {}, store = new MemoryMessageStore(1000)) {
  const config = toAppConfig(
    validateEnvironment({ MESSAGE_TTL_SECONDS: String(TTL_SECONDS), SEND_BURST: '1000', ...env }),
  );
  const clock = new FakeClock(T0);
  const hub = new InProcessMessageHub();
  const published: Message[] = [];
  hub.subscribe((m) => published.push(m));
  const service = new MessagesService(config, store, hub, clock, new RateLimits(config));
  return { service, store, clock, published };
}

async function started(env: Record<string, string> = {}, store?: MemoryMessageStore) {
  const ctx = setup(env, store);
  await ctx.service.onModuleInit();
  return ctx;
}

async function catchError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('MessagesService', () => {
  describe('send', () => {
    it('makes the given user the author and stores the text exactly as sent', async () => {
      const { service } = await started();

      const { message, created } = await service.send('alice', GENERAL, { text: '  hello\n\tworld  ' });

      expect(created).toBe(true);
      expect(message).toEqual({
        id: expect.any(Number),
        channel: GENERAL,
        user: 'alice',
        text: '  hello\n\tworld  ',
        createdAt: '2026-11-27T10:00:00.000Z',
      });
      expect(message).not.toHaveProperty('clientMsgId');
      expect((await service.list(GENERAL, { limit: 10 })).messages).toEqual([message]);
    });

    it('echoes the clientMsgId when one is given', async () => {
      const { service } = await started();
      const { message } = await service.send('alice', GENERAL, { text: 'hi', clientMsgId: 'c-1' });
      expect(message.clientMsgId).toBe('c-1');
    });

    it('derives ids from the clock in microseconds', async () => {
      const { service } = await started();
      const { message } = await service.send('alice', GENERAL, { text: 'hi' });
      expect(message.id).toBe(T0 * 1000);
      expect(Number.isSafeInteger(message.id)).toBe(true);
    });

    it('keeps ids strictly increasing while the clock stands still', async () => {
      const { service } = await started();
      const ids: number[] = [];
      for (let i = 0; i < 50; i++)
        ids.push((await service.send('alice', GENERAL, { text: `m${i}` })).message.id);

      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
      expect(new Set(ids).size).toBe(50);
    });

    it('keeps ids strictly increasing and createdAt non-decreasing when the clock goes backwards', async () => {
      const { service, clock } = await started();
      const first = (await service.send('alice', GENERAL, { text: 'a' })).message;
      clock.advance(-5000);
      const second = (await service.send('alice', GENERAL, { text: 'b' })).message;
      clock.advance(-60_000);
      const third = (await service.send('alice', GENERAL, { text: 'c' })).message;

      expect(second.id).toBeGreaterThan(first.id);
      expect(third.id).toBeGreaterThan(second.id);
      expect(Date.parse(second.createdAt)).toBeGreaterThanOrEqual(Date.parse(first.createdAt));
      expect(Date.parse(third.createdAt)).toBeGreaterThanOrEqual(Date.parse(second.createdAt));
      expect((await service.list(GENERAL, { limit: 10 })).messages.map((m) => m.text)).toEqual([
        'a',
        'b',
        'c',
      ]);
    });

    it('follows the clock again once it passes the last id', async () => {
      const { service, clock } = await started();
      await service.send('alice', GENERAL, { text: 'a' });
      clock.advance(1000);
      const later = (await service.send('alice', GENERAL, { text: 'b' })).message;
      expect(later.id).toBe((T0 + 1000) * 1000);
      expect(later.createdAt).toBe(new Date(T0 + 1000).toISOString());
    });

    it("starts above the store's lastId after onModuleInit when the clock has not moved", async () => {
      const store = new MemoryMessageStore(1000);
      const before = await started({}, store);
      let old = 0;
      for (let i = 0; i < 3; i++)
        old = (await before.service.send('alice', GENERAL, { text: `m${i}` })).message.id;

      const { service } = await started({}, store);
      const next = (await service.send('bob', GENERAL, { text: 'after the restart' })).message;

      expect(next.id).toBe(old + 1);
    });

    it("starts above the store's lastId after onModuleInit when stored ids are ahead of the clock", async () => {
      const store = new MemoryMessageStore(1000);
      const aheadId = (T0 + 3_600_000) * 1000;
      await store.append(
        {
          id: aheadId,
          channel: GENERAL,
          user: 'alice',
          text: 'x',
          createdAt: new Date(T0 - 1).toISOString(),
        },
        0,
      );

      const { service } = await started({}, store);
      const next = (await service.send('bob', GENERAL, { text: 'after the restart' })).message;

      expect(next.id).toBe(aheadId + 1);
      expect((await service.list(GENERAL, { limit: 10 })).messages.map((m) => m.id)).toEqual([
        aheadId,
        aheadId + 1,
      ]);
    });

    it('never lets createdAt go backwards across a restart with the clock behind', async () => {
      const store = new MemoryMessageStore(1000);
      const before = await started({}, store);
      before.clock.set(T0 + 10_000);
      const old = (await before.service.send('alice', GENERAL, { text: 'from an earlier run' })).message;

      const { service } = await started({}, store);
      const next = (await service.send('bob', GENERAL, { text: 'after the restart' })).message;

      expect(Date.parse(next.createdAt)).toBeGreaterThanOrEqual(Date.parse(old.createdAt));
    });

    it('publishes each created message exactly once', async () => {
      const { service, published } = await started();
      const a = (await service.send('alice', GENERAL, { text: 'a' })).message;
      const b = (await service.send('bob', GENERAL, { text: 'b', clientMsgId: 'x' })).message;
      expect(published).toEqual([a, b]);
    });

    it('returns the original with created false on a clientMsgId retry, storing and publishing nothing', async () => {
      const { service, published, clock } = await started();
      const original = (await service.send('alice', GENERAL, { text: 'hello', clientMsgId: 'c-1' })).message;
      clock.advance(1000);

      const retry = await service.send('alice', GENERAL, { text: 'hello (edited)', clientMsgId: 'c-1' });

      expect(retry).toEqual({ message: original, created: false });
      expect(published).toEqual([original]);
      expect((await service.list(GENERAL, { limit: 10 })).messages).toEqual([original]);
    });

    it('treats the same clientMsgId from another user as a new message', async () => {
      const { service, published } = await started();
      await service.send('alice', GENERAL, { text: 'a', clientMsgId: 'c-1' });
      const bobs = await service.send('bob', GENERAL, { text: 'b', clientMsgId: 'c-1' });
      expect(bobs.created).toBe(true);
      expect(bobs.message.user).toBe('bob');
      expect(published).toHaveLength(2);
    });

    it('creates a new message when the original of a clientMsgId has expired', async () => {
      const { service, clock } = await started();
      const original = (await service.send('alice', GENERAL, { text: 'a', clientMsgId: 'c-1' })).message;
      clock.advance(TTL_SECONDS * 1000 + 1);

      const again = await service.send('alice', GENERAL, { text: 'a', clientMsgId: 'c-1' });

      expect(again.created).toBe(true);
      expect(again.message.id).toBeGreaterThan(original.id);
    });
  });

  describe('send rate', () => {
    const rateEnv = { SEND_RATE_PER_SECOND: '10', SEND_BURST: '20' };

    it('allows a burst of 20 and refuses the 21st immediate send with rate_limited and a wait of at most 1 s', async () => {
      const { service, published } = await started(rateEnv);
      for (let i = 0; i < 20; i++) await service.send('alice', GENERAL, { text: `m${i}` });

      const error = await catchError(service.send('alice', GENERAL, { text: 'one too many' }));

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'rate_limited' });
      expect((error as DomainError).retryAfterMs).toBeGreaterThan(0);
      expect((error as DomainError).retryAfterMs).toBeLessThanOrEqual(1000);
      expect(published).toHaveLength(20);
      expect((await service.list(GENERAL, { limit: 50 })).messages).toHaveLength(20);
    });

    it('allows 10 more once the retry delay has passed, but not the burst again', async () => {
      const { service } = await started(rateEnv);
      for (let i = 0; i < 20; i++) await service.send('alice', GENERAL, { text: `m${i}` });
      const error = (await catchError(service.send('alice', GENERAL, { text: 'x' }))) as DomainError;

      // The send rate keeps real time (rate-limiter-flexible), not the FakeClock's.
      await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs! + 20));

      for (let i = 0; i < 10; i++)
        expect((await service.send('alice', GENERAL, { text: `n${i}` })).created).toBe(true);
      await expect(service.send('alice', GENERAL, { text: 'y' })).rejects.toMatchObject({
        code: 'rate_limited',
      });
    });

    it('limits each user separately', async () => {
      const { service } = await started(rateEnv);
      for (let i = 0; i < 20; i++) await service.send('alice', GENERAL, { text: `m${i}` });
      await expect(service.send('alice', GENERAL, { text: 'x' })).rejects.toMatchObject({
        code: 'rate_limited',
      });
      expect((await service.send('bob', GENERAL, { text: 'x' })).created).toBe(true);
    });

    it('does not charge a clientMsgId retry against the rate', async () => {
      const { service } = await started(rateEnv);
      const original = (await service.send('alice', GENERAL, { text: 'a', clientMsgId: 'c' })).message;
      for (let i = 0; i < 19; i++) await service.send('alice', GENERAL, { text: `m${i}` });

      const retry = await service.send('alice', GENERAL, { text: 'a', clientMsgId: 'c' });

      expect(retry).toEqual({ message: original, created: false });
    });
  });

  describe('retention', () => {
    it('hides messages older than the TTL from reads before eviction has run', async () => {
      const { service, clock } = await started();
      await service.send('alice', GENERAL, { text: 'old' });
      clock.advance(30_000);
      const fresh = (await service.send('alice', GENERAL, { text: 'fresh' })).message;

      clock.advance(TTL_SECONDS * 1000 - 30_000);
      expect((await service.list(GENERAL, { limit: 10 })).messages.map((m) => m.text)).toEqual([
        'old',
        'fresh',
      ]);

      clock.advance(1);
      expect(await service.list(GENERAL, { limit: 10 })).toEqual({
        messages: [fresh],
        hasOlder: false,
        hasNewer: false,
      });
      expect(await service.list(GENERAL, { limit: 10, before: fresh.id + 1 })).toEqual({
        messages: [fresh],
        hasOlder: false,
        hasNewer: false,
      });
      expect((await service.list(GENERAL, { limit: 10, after: 0 })).messages).toEqual([fresh]);
    });

    it('evictExpired frees expired messages and reports how many', async () => {
      const { service, store, clock } = await started();
      await service.send('alice', GENERAL, { text: 'a' });
      await service.send('alice', GENERAL, { text: 'b' });
      clock.advance(10_000);
      await service.send('alice', GENERAL, { text: 'c' });
      clock.advance(TTL_SECONDS * 1000 - 5_000);

      expect(await service.evictExpired()).toBe(2);
      expect(await service.evictExpired()).toBe(0);
      // Read the store with no TTL at all: the expired messages are gone, not merely hidden.
      expect((await store.latest(GENERAL, 10, 0)).messages.map((m) => m.text)).toEqual(['c']);
    });

    it('applies the count cap to reads at once', async () => {
      const { service } = await started({ MAX_MESSAGES: '3' }, new MemoryMessageStore(3));
      for (const text of ['a', 'b', 'c', 'd', 'e']) await service.send('alice', GENERAL, { text });
      const page = await service.list(GENERAL, { limit: 50 });
      expect(page.messages.map((m) => m.text)).toEqual(['c', 'd', 'e']);
      expect(page.hasOlder).toBe(false);
    });
  });

  describe('list', () => {
    it('routes before, after and neither to the matching page', async () => {
      const { service, clock } = await started();
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await service.send('alice', GENERAL, { text: `m${i}` })).message.id);
        clock.advance(1);
      }

      expect((await service.list(GENERAL, { limit: 2 })).messages.map((m) => m.id)).toEqual(ids.slice(3));
      expect((await service.list(GENERAL, { limit: 2, before: ids[3] })).messages.map((m) => m.id)).toEqual(
        ids.slice(1, 3),
      );
      expect((await service.list(GENERAL, { limit: 2, after: ids[0] })).messages.map((m) => m.id)).toEqual(
        ids.slice(1, 3),
      );
    });
  });
});

describe('MessagesService.listJson (serialized page cache)', () => {
  it('answers the same JSON as list, and a changed page after a message is stored', async () => {
    const { service } = await started();
    await service.send('alice', GENERAL, { text: 'one' });
    const first = await service.listJson(GENERAL, { limit: 50 });
    expect(JSON.parse(first)).toEqual(await service.list(GENERAL, { limit: 50 }));
    await service.send('bob', GENERAL, { text: 'two' });
    const second = JSON.parse(await service.listJson(GENERAL, { limit: 50 })) as { messages: Message[] };
    expect(second.messages.map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('serializes a page once while nothing changes', async () => {
    const { service, store } = await started();
    await service.send('alice', GENERAL, { text: 'one' });
    let reads = 0;
    const latest = store.latest.bind(store);
    store.latest = (...args) => {
      reads++;
      return latest(...args);
    };
    await service.listJson(GENERAL, { limit: 50 });
    await service.listJson(GENERAL, { limit: 50 });
    expect(reads).toBe(1);
  });

  it('drops an expired message from a cached page, without any eviction run', async () => {
    const { service, clock } = await started();
    await service.send('alice', GENERAL, { text: 'old' });
    clock.advance(30_000);
    await service.send('alice', GENERAL, { text: 'new' });
    expect(
      (JSON.parse(await service.listJson(GENERAL, { limit: 50 })) as { messages: Message[] }).messages,
    ).toHaveLength(2);
    clock.advance(30_001);
    const page = JSON.parse(await service.listJson(GENERAL, { limit: 50 })) as { messages: Message[] };
    expect(page.messages.map((m) => m.text)).toEqual(['new']);
  });
});
