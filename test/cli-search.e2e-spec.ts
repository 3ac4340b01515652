import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, chat, newHome, removeHomes } from './support/chat-cli.js';
import { ServerProcess } from './support/server-process.js';
import { authOf, type TestUser } from './support/test-app.js';

let server: ServerProcess;

/** A JSON call to the server, as a test's own setup (posting messages) or to compare with what the CLI printed. */
async function api<T>(user: TestUser, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}/api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: authOf(user), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function post(user: TestUser, channel: string, text: string): Promise<number> {
  const sent = await api<{ id: number }>(user, `channels/${channel}/messages`, { text });
  expect(sent.status).toBe(201);
  return sent.body.id;
}

const jsonLines = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { message: { id: number; text: string }; highlights: number[][] });

beforeAll(async () => {
  server = await ServerProcess.start();
});
afterAll(async () => {
  await server.stop();
  await removeHomes();
});

describe('chat search', () => {
  let dm: string;

  beforeAll(async () => {
    expect((await api('alice', 'channels', { name: 'search-ops', private: false })).status).toBe(201);
    dm = (await api<{ name: string }>('alice', 'dms', { users: ['bob', 'carol'] })).body.name;
    await post('alice', 'search-ops', 'kumquat deploy at noon');
    await post('bob', 'general', 'kumquat\nsecond line');
    await post('alice', dm, 'kumquat for the three of us');
  });

  it('prints one line per result, newest first, with its channel: #name, or @members for a DM', async () => {
    const run = await chat(await newHome(), ['search', 'kumquat'], { env: as('bob', server.url) });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      new RegExp(
        [
          '^\\S+Z @alice,carol alice: kumquat for the three of us',
          '\\S+Z #general bob: kumquat',
          ' {2}second line',
          '\\S+Z #search-ops alice: kumquat deploy at noon\n$',
        ].join('\n'),
      ),
    );
  });

  it('joins the words into one query: operators, "phrases", and -exclusions after --', async () => {
    const home = await newHome();
    const env = as('carol', server.url);
    const texts = async (...words: string[]) => {
      const run = await chat(home, ['search', '--json', ...words], { env });
      expect({ words, code: run.code, stderr: run.stderr }).toEqual({ words, code: 0, stderr: '' });
      return run.stdout === '' ? [] : jsonLines(run.stdout).map((r) => r.message.text);
    };
    expect(await texts('kumquat', 'from:alice')).toEqual([
      'kumquat for the three of us',
      'kumquat deploy at noon',
    ]);
    expect(await texts('kumquat', 'in:#search-ops')).toEqual(['kumquat deploy at noon']);
    expect(await texts('"kumquat deploy"')).toEqual(['kumquat deploy at noon']);
    expect(await texts('"kumquat noon"')).toEqual([]);
    expect(await texts('--', 'kumquat', '-deploy', '-three')).toEqual(['kumquat\nsecond line']);
  });

  it('--json prints each result as the API gives it, one per line', async () => {
    const text = 'Quince: ship the QUINCE jam to the café';
    await post('alice', 'search-ops', text);
    const run = await chat(await newHome(), ['--json', 'search', 'quince', 'cafe'], {
      env: as('alice', server.url),
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [result] = jsonLines(run.stdout);
    expect(result).toEqual(
      (await api<{ results: unknown[] }>('alice', 'search?q=quince+cafe')).body.results[0],
    );
    expect(result).toMatchObject({
      message: { channel: 'search-ops', user: 'alice', text },
      channel: { name: 'search-ops', kind: 'channel', private: false, member: true },
    });
    expect(result.highlights.map(([start, end]) => text.slice(start, end))).toEqual([
      'Quince',
      'QUINCE',
      'café',
    ]);

    const dmText = 'kumquat for the three of us';
    const inDm = await chat(await newHome(), ['search', '--json', '"three of us"'], {
      env: as('carol', server.url),
    });
    const phrase = dmText.indexOf('three of us');
    expect(jsonLines(inDm.stdout)).toMatchObject([
      {
        message: { text: dmText },
        channel: { name: dm, kind: 'dm', members: ['alice', 'bob', 'carol'] },
        highlights: [[phrase, phrase + 'three of us'.length]],
      },
    ]);
  });

  it('prints one page with a hint on stderr when there is more; --before and --all go on to the oldest', async () => {
    const ids: number[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await post('carol', 'general', `papaya ${n}`));
    const home = await newHome();
    const env = as('bob', server.url);

    const first = await chat(home, ['search', 'papaya', '--limit', '2'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^\S+Z #general carol: papaya 5\n\S+Z #general carol: papaya 4\n$/);
    expect(first.stderr).toBe(
      `more results: add --before ${ids[3]} for the next page, or --all for all of them\n`,
    );

    const next = await chat(home, ['search', 'papaya', '-l', '2', '--before', String(ids[3]), '--json'], {
      env,
    });
    expect(jsonLines(next.stdout).map((r) => r.message.id)).toEqual([ids[2], ids[1]]);
    expect(next.stderr).toContain(`--before ${ids[1]}`);

    const all = await chat(home, ['search', 'papaya', '--limit', '2', '--all', '--json'], { env });
    expect(all).toMatchObject({ code: 0, stderr: '' });
    expect(jsonLines(all.stdout).map((r) => r.message.text)).toEqual([
      'papaya 5',
      'papaya 4',
      'papaya 3',
      'papaya 2',
      'papaya 1',
    ]);

    // All of them on the first page: no hint.
    const fits = await chat(home, ['search', 'papaya'], { env });
    expect(fits).toMatchObject({ code: 0, stderr: '' });
    expect(fits.stdout.trimEnd().split('\n')).toHaveLength(5);
  });

  it('does not mark the matches when stdout is not a terminal', async () => {
    // As in a terminal that has colour (cli.e2e-spec's pipeline test), but piped.
    const run = await chat(await newHome(), ['search', 'kumquat', 'deploy'], {
      env: { ...as('alice', server.url), TERM: 'xterm-256color', FORCE_COLOR: '' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\S+Z #search-ops alice: kumquat deploy at noon\n$/);
    expect(run.stdout).not.toContain('\x1b');
  });

  it("exits with 2 and the server's message for a query the server refuses", async () => {
    const home = await newHome();
    const env = as('alice', server.url);
    const refused = await api<{ message: string }>('alice', `search?q=${encodeURIComponent('"abc')}`);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/quote/i);

    const unclosed = await chat(home, ['search', '"abc'], { env });
    expect(unclosed).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `chat: ${refused.body.message} (HTTP 400)\n`,
    });

    const cases: [string[], RegExp][] = [
      [['search', 'in:nowhere', 'kumquat'], /^chat: in: no channel named nowhere \(HTTP 400\)\n$/],
      [['search', '--', '-kumquat'], /^chat: .+ \(HTTP 400\)\n$/],
      [['search'], /^chat: missing required argument 'words'/],
      [['search', 'kumquat', '--limit', '101'], /expected an integer from 1 to 100/],
    ];
    for (const [args, message] of cases) {
      const run = await chat(home, args, { env });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
    }
  });
});
