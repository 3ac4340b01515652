import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Message } from '../messages/message.js';
import type { MessageStore } from '../messages/store/message-store.js';
import type { SearchFilter } from './search-filter.js';
import { parseSearchQuery, searchFilter } from './search-query.js';

const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The corpus: [channel, user, text, hours after T0]; ids are 1.. in this order. */
const CORPUS: [string, string, string, number][] = [
  ['general', 'alice', 'Deploy to staging is done', 0],
  ['general', 'bob', 'deploy to production tonight', 1],
  ['design', 'carol', 'The new Café logo is ready', 2],
  ['general', 'alice', "let's go!", 3],
  ['general', 'bob', 'that looks good', 4],
  ['general', 'carol', 'the data`base` is down again', 5],
  ['general', 'alice', 'run `npm install` before you start', 6],
  ['general', 'bob', '東京都に行きます', 24],
  ['general', 'carol', '这是数据库的问题', 25],
  ['general', 'alice', 'がっこうに行く', 26],
  ['general', 'bob', '한국어를 배워요', 27],
  ['general', 'carol', 'ship it 🚀 today', 28],
  ['general', 'alice', 'launch🚀now and 👍🏽', 29],
  ['general', 'bob', 'see https://example.com/docs for the exact\n  phrase rules', 48],
  ['general', 'carol', 'the phrase exact is reversed here', 49],
  ['secret', 'alice', 'the staging password rotates', 50],
  ['general', 'bob', "ＦＵＬＬ width and 100% done, a_b (OR) NOT it's", 51],
  ['general', 'carol', 'naïve résumé Ångström', 52],
  ['general', 'alice', 'a b c', 53],
  ['general', 'bob', 'copy C:\\temp\\x.txt', 54],
];

function message(index: number): Message {
  const [channel, user, text, hours] = CORPUS[index];
  return { id: index + 1, channel, user, text, createdAt: new Date(T0 + hours * HOUR).toISOString() };
}

const PUBLIC = ['general', 'design'];

/**
 * The search contract of the MessageStore port (API.md, Search), run against every store over one corpus: the same
 * query finds the same messages in memory, SQLite and PostgreSQL.
 */
export function describeMessageSearch(
  name: string,
  open: (maxMessages: number) => Promise<MessageStore>,
): void {
  describe(`${name} (search contract)`, () => {
    let store: MessageStore;
    const opened: MessageStore[] = [];
    beforeAll(async () => {
      store = await open(1000);
      opened.push(store);
      for (let i = 0; i < CORPUS.length; i++) await store.append(message(i), 0);
    });
    afterAll(async () => {
      await Promise.all(opened.map((s) => s.close()));
    });

    function filterOf(q: string, overrides: Partial<SearchFilter> = {}): SearchFilter {
      const query = parseSearchQuery(q);
      return { ...searchFilter(query, query.in.length > 0 ? query.in : PUBLIC), ...overrides };
    }
    /** The ids found, newest first. */
    async function find(q: string, overrides: Partial<SearchFilter> = {}, limit = 50): Promise<number[]> {
      return (await store.search(filterOf(q, overrides), limit, 0)).map((m) => m.id);
    }
    const idOf = (text: string) => CORPUS.findIndex(([, , t]) => t === text) + 1;

    it('finds messages with every word, in any order and case, newest first', async () => {
      expect(await find('deploy')).toEqual([2, 1]);
      expect(await find('STAGING deploy')).toEqual([1]);
      expect(await find('deploy tonight staging')).toEqual([]);
    });

    it('returns whole messages as stored', async () => {
      const [found] = await store.search(filterOf('tonight'), 10, 0);
      expect(found).toEqual(message(1));
    });

    it('ignores accents on either side', async () => {
      expect(await find('cafe')).toEqual([3]);
      expect(await find('CAFÉ')).toEqual([3]);
      expect(await find('naive resume angstrom')).toEqual([idOf('naïve résumé Ångström')]);
    });

    it('finds 3+ characters inside words', async () => {
      expect(await find('ploy')).toEqual([2, 1]);
      expect(await find('tab')).toEqual([6]);
    });

    it('matches 1–2 letter words only as whole words', async () => {
      expect(await find('go')).toEqual([4]);
      expect(await find('it')).toEqual([idOf("ＦＵＬＬ width and 100% done, a_b (OR) NOT it's"), 12]);
      expect(await find('a')).toEqual([
        idOf('a b c'),
        idOf("ＦＵＬＬ width and 100% done, a_b (OR) NOT it's"),
      ]);
      expect(await find('go deploy')).toEqual([]);
    });

    it('finds Chinese, Japanese and Korean text at any length', async () => {
      expect(await find('東京')).toEqual([8]);
      expect(await find('数据库')).toEqual([9]);
      expect(await find('問題')).toEqual([]);
      expect(await find('问题')).toEqual([9]);
      expect(await find('こう')).toEqual([10]);
      expect(await find('한국')).toEqual([11]);
    });

    it('keeps the voicing marks of kana: が is not か', async () => {
      expect(await find('がっこう')).toEqual([10]);
      expect(await find('かっこう')).toEqual([]);
    });

    it('finds emoji anywhere, alone or with words', async () => {
      expect(await find('🚀')).toEqual([13, 12]);
      expect(await find('ship 🚀')).toEqual([12]);
      expect(await find('👍🏽')).toEqual([13]);
    });

    it('finds a word split by an inline code span, and a phrase around one', async () => {
      expect(await find('database')).toEqual([6]);
      expect(await find('"npm install before"')).toEqual([7]);
    });

    it('matches a phrase in order, across line breaks and runs of spaces', async () => {
      expect(await find('"exact phrase"')).toEqual([14]);
      expect(await find('"phrase exact"')).toEqual([15]);
      expect(await find('"staging is done"')).toEqual([1]);
    });

    it('leaves out messages with an excluded word or phrase', async () => {
      expect(await find('deploy -staging')).toEqual([2]);
      expect(await find('phrase -"exact phrase"')).toEqual([15]);
    });

    it('filters by author, any of several', async () => {
      expect(await find('from:alice deploy')).toEqual([1]);
      expect(await find('deploy from:alice from:bob')).toEqual([2, 1]);
      expect(await find('from:carol', { channels: ['design'] })).toEqual([3]);
    });

    it('searches only the channels given', async () => {
      expect(await find('staging')).toEqual([1]);
      expect(await find('staging', { channels: ['general', 'secret'] })).toEqual([16, 1]);
      expect(await find('staging', { channels: ['secret'] })).toEqual([16]);
      expect(await find('logo', { channels: ['general'] })).toEqual([]);
    });

    it('filters by day, before and after', async () => {
      const day0 = new Date(T0).toISOString().slice(0, 10);
      const day1 = new Date(T0 + DAY).toISOString().slice(0, 10);
      expect(await find(`from:bob before:${day1}`)).toEqual([5, 2]);
      expect(
        await find(`from:bob after:${day0} before:${new Date(T0 + 2 * DAY).toISOString().slice(0, 10)}`),
      ).toEqual([11, 8]);
      expect(await find(`deploy after:${new Date(T0 + HOUR / 2).toISOString()}`)).toEqual([2]);
    });

    it('finds links with has:link', async () => {
      expect(await find('has:link')).toEqual([14]);
      expect(await find('has:link rules')).toEqual([14]);
      expect(await find('has:link deploy')).toEqual([]);
    });

    it('treats full-width letters as their ASCII forms', async () => {
      const id = idOf("ＦＵＬＬ width and 100% done, a_b (OR) NOT it's");
      expect(await find('full')).toEqual([id]);
      expect(await find('ｗｉｄｔｈ')).toEqual([id]);
    });

    it('takes query syntax of the databases literally', async () => {
      const id = idOf("ＦＵＬＬ width and 100% done, a_b (OR) NOT it's");
      expect(await find('100%')).toEqual([id]);
      expect(await find('10%0')).toEqual([]);
      expect(await find('a_b')).toEqual([id]);
      expect(await find('axb')).toEqual([]);
      expect(await find('(or)')).toEqual([id]);
      expect(await find('not')).toEqual([id]);
      expect(await find("it's")).toEqual([id]);
      expect(await find('"*"')).toEqual([]);
      expect(await find('c:\\temp\\x')).toEqual([idOf('copy C:\\temp\\x.txt')]);
    });

    it('pages newest first with limit and beforeId, without gaps or repeats', async () => {
      const everything = await find('the');
      const pages: number[] = [];
      let beforeId: number | undefined;
      for (;;) {
        const page = await find('the', beforeId === undefined ? {} : { beforeId }, 2);
        pages.push(...page);
        if (page.length < 2) break;
        beforeId = page.at(-1);
      }
      expect(pages).toEqual(everything);
      expect(everything).toEqual([...everything].sort((a, b) => b - a));
      expect(everything.length).toBeGreaterThan(3);
    });

    it('finds only retained messages: not expired, not dropped by the count cap', async () => {
      const capped = await open(2);
      opened.push(capped);
      // Three messages of general under a cap of 2: the first is dropped.
      for (const i of [0, 1, 3]) await capped.append(message(i), 0);
      const search = (notBefore: number) =>
        capped.search(filterOf('deploy'), 10, notBefore).then((found) => found.map((m) => m.id));
      expect(await search(0)).toEqual([2]);
      expect(await search(T0 + HOUR + 1)).toEqual([]);
      await capped.evict(T0 + HOUR + 1);
      expect(await search(0)).toEqual([]);
      expect((await capped.search(filterOf('go'), 10, 0)).map((m) => m.id)).toEqual([4]);
    });
  });
}
