import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, chat, CHAT_MAIN, closedPort, newHome, removeHomes } from './support/chat-cli.js';
import { ServerProcess } from './support/server-process.js';
import { authOf } from './support/test-app.js';

/** A JSON call to the server, as a test's own setup (creating channels, reading what was stored). */
async function api(server: ServerProcess, user: 'alice' | 'bob' | 'carol', path: string, body?: unknown) {
  const response = await fetch(`${server.url}/api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: authOf(user), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.status === 204 ? undefined : response.json();
}

const jsonLines = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));

let server: ServerProcess;

beforeAll(async () => {
  server = await ServerProcess.start();
});
afterAll(async () => {
  await server.stop();
  await removeHomes();
});

describe('chat login / logout / whoami', () => {
  it('checks the password, writes a 0600 ~/.netrc that curl reads, and remembers the server', async () => {
    const home = await newHome();
    // Another machine's entry, and a stale one for this server: only the latter changes.
    await writeFile(
      join(home, '.netrc'),
      'machine other.example login someone password s3cret\nmachine 127.0.0.1 login bob password old\n',
      { mode: 0o644 },
    );
    const login = await chat(home, ['login', '--server', server.url, '--user', 'alice', '--password-stdin'], {
      input: 'alice-password\n',
    });
    expect(login).toMatchObject({ code: 0, stderr: '' });
    expect(login.stdout).toContain(`Logged in to ${server.url} as alice (Alice Liddell)`);

    const netrc = join(home, '.netrc');
    expect((await stat(netrc)).mode & 0o777).toBe(0o600);
    expect(await readFile(netrc, 'utf8')).toBe(
      'machine other.example login someone password s3cret\nmachine 127.0.0.1 login alice password alice-password\n',
    );
    const config = JSON.parse(await readFile(join(home, '.config/chat/config.json'), 'utf8'));
    expect(config).toEqual({ server: server.url });
    const curl = await promisify(execFile)('curl', ['-s', '--netrc-file', netrc, `${server.url}/api/me`]);
    expect(JSON.parse(curl.stdout)).toMatchObject({ username: 'alice' });

    // No CHAT_SERVER and no --server: the remembered server and the netrc entry.
    const whoami = await chat(home, ['whoami']);
    expect(whoami).toMatchObject({ code: 0, stdout: `alice (Alice Liddell), admin, on ${server.url}\n` });

    const logout = await chat(home, ['logout']);
    expect(logout).toMatchObject({ code: 0, stdout: 'Logged out of 127.0.0.1\n' });
    expect(await readFile(netrc, 'utf8')).toBe('machine other.example login someone password s3cret\n');
    const after = await chat(home, ['whoami']);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain('not logged in to 127.0.0.1');
  });

  it('refuses a wrong password with exit code 3 and saves nothing', async () => {
    const home = await newHome();
    const run = await chat(home, ['login', '--server', server.url, '--user', 'bob', '--password-stdin'], {
      input: 'not-bobs-password',
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(`chat: wrong user name or password for ${server.url}; nothing saved\n`);
    await expect(stat(join(home, '.netrc'))).rejects.toThrow('ENOENT');
  });

  it('logs in from CHAT_USER and CHAT_PASSWORD without asking', async () => {
    const home = await newHome();
    const run = await chat(home, ['--json', 'login'], { env: as('carol', server.url) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ server: server.url, username: 'carol', role: 'user' });
    expect(await readFile(join(home, '.netrc'), 'utf8')).toBe(
      'machine 127.0.0.1 login carol password carol-password\n',
    );
  });

  it('says how to log in without a terminal when it has no password (exit code 2)', async () => {
    const home = await newHome();
    const run = await chat(home, ['login', '--server', server.url, '--user', 'alice']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--password-stdin');
  });

  it('prints whoami as one JSON line', async () => {
    const run = await chat(await newHome(), ['whoami', '--json'], { env: as('bob', server.url) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      username: 'bob',
      displayName: 'Bob Builder',
      role: 'user',
      server: server.url,
    });
  });
});

describe('chat send / tail / history', () => {
  it('sends from an argument and from stdin, and reads both back with tail and history', async () => {
    const home = await newHome();
    const env = as('alice', server.url);
    await api(server, 'alice', 'channels', { name: 'round-trip', private: false });

    const first = await chat(home, ['send', '--channel', 'round-trip', 'first: from an argument'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^sent \d+ to round-trip\n$/);
    const second = await chat(home, ['send', '-c', '#round-trip'], { env, input: 'second\nfrom stdin\n' });
    expect(second.code).toBe(0);

    // Fewer messages than asked for: all of them.
    const tail = await chat(home, ['tail', '-n', '3', '--channel', 'round-trip'], { env });
    expect(tail.code).toBe(0);
    expect(tail.stdout).toMatch(
      /^\S+Z alice: first: from an argument\n\S+Z alice: second\n {2}from stdin\n$/,
    );

    const history = await chat(home, ['history', '--channel', 'round-trip', '--limit', '10', '--json'], {
      env,
    });
    const messages = jsonLines(history.stdout);
    expect(messages).toMatchObject([
      { channel: 'round-trip', user: 'alice', text: 'first: from an argument' },
      { channel: 'round-trip', user: 'alice', text: 'second\nfrom stdin' },
    ]);
    expect(messages[0].clientMsgId).toMatch(/^cli-[0-9a-f-]{36}$/);
    expect(messages[1].clientMsgId).not.toBe(messages[0].clientMsgId);

    const before = await chat(
      home,
      ['history', '-c', 'round-trip', '--before', String(messages[1].id), '--json'],
      {
        env,
      },
    );
    expect(jsonLines(before.stdout).map((m) => m.text)).toEqual(['first: from an argument']);
    const last = await chat(home, ['tail', '-n', '1', '-c', 'round-trip', '--json'], { env });
    expect(jsonLines(last.stdout)).toEqual([messages[1]]);
  });

  it('uses general by default', async () => {
    const env = as('bob', server.url);
    const home = await newHome();
    const sent = await chat(home, ['send', '--json', 'in general by default'], { env });
    expect(JSON.parse(sent.stdout)).toMatchObject({
      channel: 'general',
      user: 'bob',
      text: 'in general by default',
    });
    const page = (await api(server, 'bob', 'messages?limit=1')) as { messages: { text: string }[] };
    expect(page.messages[0].text).toBe('in general by default');
  });

  it('a repeated --client-msg-id is stored once', async () => {
    const env = as('carol', server.url);
    const home = await newHome();
    const args = ['send', '--json', '--client-msg-id', 'carol-report-1', 'nightly report'];
    const one = JSON.parse((await chat(home, args, { env })).stdout);
    const two = JSON.parse((await chat(home, args, { env })).stdout);
    expect(two).toEqual(one);
  });

  it('works in a pipeline: stdin in, plain text without colour out', async () => {
    const home = await newHome();
    const { stdout } = await promisify(execFile)(
      'bash',
      [
        '-c',
        `printf 'piped %s\\n' one two | node ${CHAT_MAIN} send >/dev/null && node ${CHAT_MAIN} tail -n 1 | cat`,
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          FORCE_COLOR: '',
          TERM: 'xterm-256color',
          ...as('alice', server.url),
        },
      },
    ).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(error.stderr);
    });
    expect(stdout).toMatch(/^\S+Z alice: piped one\n {2}piped two\n$/);
    expect(stdout).not.toContain('\x1b');
  }, 20_000);

  it('retries a send whose answer was lost with the same clientMsgId, so it is stored once', async () => {
    // A proxy that passes the first POST to the server but cuts the connection before the answer.
    let posts = 0;
    const proxy: Server = createServer((req, res) => {
      const dropAnswer = req.method === 'POST' && ++posts === 1;
      const upstream = request(
        `${server.url}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer: IncomingMessage) => {
          if (dropAnswer) {
            answer.resume();
            answer.on('end', () => req.socket.destroy());
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
      const home = await newHome();
      const run = await chat(home, ['send', '--json', '-c', 'general', 'sent once despite a retry'], {
        env: as('bob', url),
      });
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/send failed \(.+\); retrying in 0\.5 s with the same clientMsgId/);
      expect(posts).toBe(2);
      const page = (await api(server, 'bob', 'messages?limit=20')) as {
        messages: { id: number; text: string }[];
      };
      const stored = page.messages.filter((m) => m.text === 'sent once despite a retry');
      expect(stored).toHaveLength(1);
      expect(JSON.parse(run.stdout).id).toBe(stored[0].id);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('chat users / channels', () => {
  it('lists users, as text and as JSON lines', async () => {
    const home = await newHome();
    const env = as('alice', server.url);
    const text = await chat(home, ['users'], { env });
    expect(text.stdout.split('\n')).toContain('carol\tCarol Danvers');
    const json = jsonLines((await chat(home, ['users', '--json'], { env })).stdout);
    expect(json.map((u) => u.username)).toEqual(['alice', 'bob', 'carol', 'dave', 'zoe']);
  });

  it('lists channels and DMs with unread counts; a DM is addressed as @user or by its name', async () => {
    const home = await newHome();
    const sent = await chat(home, ['send', '--json', '--channel', '@carol', 'a DM for carol'], {
      env: as('bob', server.url),
    });
    expect(sent.code).toBe(0);
    const dm = JSON.parse(sent.stdout).channel as string;
    expect(dm).toMatch(/^dm-[0-9a-f]{12}$/);

    const carol = as('carol', server.url);
    const listed = await chat(home, ['channels'], { env: carol });
    expect(listed.stdout.split('\n')).toContain(`@bob\tdm\t1\t${dm}`);
    expect(listed.stdout).toMatch(/^#general\tpublic\t\d+\t/m);
    const json = jsonLines((await chat(home, ['channels', '--json'], { env: carol })).stdout);
    expect(json.find((c) => c.name === dm)).toMatchObject({
      kind: 'dm',
      unread: 1,
      members: ['bob', 'carol'],
    });

    for (const channel of ['@bob', dm]) {
      const tail = await chat(home, ['tail', '--channel', channel], { env: carol });
      expect(tail.stdout).toMatch(/ bob: a DM for carol\n$/);
    }
  });
});

describe('chat errors: message and exit code', () => {
  it('2: empty text, too long text, bad option values, unknown command, unknown channel, bad server URL', async () => {
    const home = await newHome();
    const env = as('alice', server.url);
    const cases: [string[], string | undefined, RegExp][] = [
      [['send'], '', /nothing to send/],
      [['send', '   '], undefined, /nothing to send/],
      [['send', 'x'.repeat(4001)], undefined, /text must be at most 4000 characters \(HTTP 400\)/],
      [['tail', '-n', 'many'], undefined, /argument 'many' is invalid/],
      [['history', '--limit', '0'], undefined, /expected an integer from 1 to 1000/],
      [['send', '--channel', 'Not A Channel', 'hi'], undefined, /is not a channel name/],
      [['send', '--channel', '@', 'hi'], undefined, /is not a user name/],
      [['shout'], undefined, /unknown command 'shout'/],
      [['history', '--channel', 'no-such-channel'], undefined, /No channel no-such-channel \(HTTP 404\)/],
      [['--server', 'ftp://example.com', 'whoami'], undefined, /invalid server URL/],
    ];
    for (const [args, input, message] of cases) {
      const run = await chat(home, args, { env, input });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(/^chat: /);
    }
  });

  it('3: a wrong password, no credentials at all, and a channel one may not post in', async () => {
    const home = await newHome();
    const wrong = await chat(home, ['history'], {
      env: { CHAT_SERVER: server.url, CHAT_USER: 'alice', CHAT_PASSWORD: 'wrong' },
    });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('wrong user name or password');

    const none = await chat(home, ['users'], { env: { CHAT_SERVER: server.url } });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('not logged in to 127.0.0.1: run `chat login');

    await api(server, 'alice', 'channels', { name: 'members-only-posting', private: false });
    const outsider = await chat(home, ['send', '-c', 'members-only-posting', 'hello?'], {
      env: as('carol', server.url),
    });
    expect(outsider.code).toBe(3);
    expect(outsider.stderr).toBe('chat: not allowed: Join the channel first\n');
  });

  it('5: an unreachable server, after retrying a send', async () => {
    const home = await newHome();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const whoami = await chat(home, ['whoami'], { env: as('alice', url) });
    expect(whoami.code).toBe(5);
    expect(whoami.stderr).toBe(`chat: server unreachable: cannot reach ${url} (ECONNREFUSED)\n`);
    const send = await chat(home, ['send', '--retries', '1', 'hello?'], { env: as('alice', url) });
    expect(send.code).toBe(5);
    expect(send.stderr).toContain('send failed (ECONNREFUSED); retrying in 0.5 s with the same clientMsgId');
    expect(send.stderr).toContain('server unreachable');
  });

  it('4: rate limited, with the wait from Retry-After', async () => {
    // The per-user request limit, not the per-second send rate: a refill every 30 s cannot race a slow machine.
    const limited = await ServerProcess.start({ RATE_LIMIT_PER_USER_PER_MINUTE: '2' });
    try {
      const home = await newHome();
      const env = as('alice', limited.url);
      expect((await chat(home, ['send', 'one'], { env })).code).toBe(0);
      expect((await chat(home, ['send', 'two'], { env })).code).toBe(0);
      const run = await chat(home, ['send', 'three'], { env });
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/^chat: rate limited: Too many requests; slow down; try again in \d+ s\n$/);
    } finally {
      await limited.stop();
    }
  });

  it('1: anything else, such as a relative HOME (the files would land in the working directory)', async () => {
    const run = await chat('relative-home', ['whoami'], { env: { CHAT_SERVER: server.url } });
    expect(run).toMatchObject({
      code: 1,
      stderr: 'chat: HOME must be an absolute path, not "relative-home"\n',
    });
  });

  it('0 and the usage for --help on every command', async () => {
    const home = await newHome();
    const main = await chat(home, ['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('Exit codes:');
    const commands = ['login', 'logout', 'send', 'tail', 'history', 'search', 'users', 'whoami', 'channels'];
    for (const command of commands) {
      expect(main.stdout).toContain(`  ${command}`);
      const help = await chat(home, [command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: chat ${command}`);
      expect(help.stdout).toContain('--json');
    }
  });
});
