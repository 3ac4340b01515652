import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { as, chat, ChatProcess, newHome, removeHomes } from './support/chat-cli.js';
import { ServerProcess } from './support/server-process.js';
import { newSqlitePath, removeTestStores } from './support/stores.js';
import { authOf } from './support/test-app.js';

/** `chat tail --follow` against the built server, which is restarted under it. */
describe('chat tail --follow', () => {
  const started: (ServerProcess | ChatProcess)[] = [];
  const server = async (env: Record<string, string>) => {
    const process = await ServerProcess.start(env);
    started.push(process);
    return process;
  };
  const follow = (home: string, args: string[], env: Record<string, string>) => {
    const process = ChatProcess.start(home, ['tail', '--follow', '--json', ...args], env);
    started.push(process);
    return process;
  };
  const texts = (tail: ChatProcess) => tail.messages.map((m) => m.text);
  const sent = async (home: string, url: string, text: string, channel = 'general') => {
    const run = await chat(home, ['send', '--channel', channel, text], { env: as('bob', url) });
    expect(run).toMatchObject({ code: 0, stderr: '' });
  };

  afterEach(async () => {
    for (const process of started.splice(0).reverse()) await process.stop();
  });
  afterAll(async () => {
    await removeHomes();
    await removeTestStores();
  });

  it("prints another user's messages live and survives server restarts without duplicates or gaps", async () => {
    const store = `sqlite:${newSqlitePath()}`;
    let first = await server({ STORE: store });
    const { url, port } = first;
    const restart = async (whileDown?: () => Promise<void>) => {
      await first.stop();
      await whileDown?.();
      first = await server({ STORE: store, PORT: String(port) });
    };
    const home = await newHome();
    await sent(home, url, 'before the tail');

    const tail = follow(home, ['-n', '1'], as('alice', url));
    await tail.until((t) => texts(t).includes('before the tail'), 'the last message');
    await sent(home, url, 'live 1');
    await tail.until((t) => texts(t).includes('live 1'), 'a live message');

    // Frozen, the tail cannot see the restart until the messages sent meanwhile are stored: it must resume.
    tail.child.kill('SIGSTOP');
    await restart();
    await sent(home, url, 'sent while the tail was away 1');
    await sent(home, url, 'sent while the tail was away 2');
    tail.child.kill('SIGCONT');
    await tail.until((t) => texts(t).includes('sent while the tail was away 2'), 'the resumed messages');

    // Down for a while: the tail keeps retrying until the server is back.
    await restart(() => new Promise((resolve) => setTimeout(resolve, 1000)));
    await sent(home, url, 'after the second restart');
    await tail.until((t) => texts(t).includes('after the second restart'), 'a message after the restart');

    expect(texts(tail)).toEqual([
      'before the tail',
      'live 1',
      'sent while the tail was away 1',
      'sent while the tail was away 2',
      'after the second restart',
    ]);
    const ids = tail.messages.map((m) => m.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(tail.messages.every((m) => m.user === 'bob' && m.channel === 'general')).toBe(true);
    expect(tail.stderr).toContain('reconnecting');
    expect(tail.stderr).toContain('reconnected');
  }, 60_000);

  it('reloads after a reset (messages evicted while away) and prints each retained message once', async () => {
    const store = `sqlite:${newSqlitePath()}`;
    const before = await server({ STORE: store, MAX_MESSAGES: '3' });
    const { url, port } = before;
    const home = await newHome();
    const tail = follow(home, [], as('alice', url));
    await sent(home, url, 'r1');
    await tail.until((t) => texts(t).includes('r1'), 'r1');

    tail.child.kill('SIGSTOP');
    await before.stop();
    await server({ STORE: store, MAX_MESSAGES: '3', PORT: String(port) });
    // Only the last three stay: r2 and r3, sent after the tail's last message, are gone when it comes back.
    for (const text of ['r2', 'r3', 'r4', 'r5', 'r6']) await sent(home, url, text);
    tail.child.kill('SIGCONT');
    await tail.until((t) => texts(t).includes('r6'), 'the reload');
    await sent(home, url, 'r7');
    await tail.until((t) => texts(t).includes('r7'), 'a live message after the reload');

    expect(texts(tail)).toEqual(['r1', 'r4', 'r5', 'r6', 'r7']);
    expect(tail.stderr).toContain('some messages expired while disconnected');
  }, 60_000);

  it('long-polls a public channel the user is not a member of, and follows a DM named by its members', async () => {
    const first = await server({});
    const home = await newHome();
    const created = await fetch(`${first.url}/api/channels`, {
      method: 'POST',
      headers: { Authorization: authOf('bob'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'announcements', private: false }),
    });
    expect(created.status).toBe(201);

    const lurker = follow(home, ['--channel', 'announcements'], as('carol', first.url));
    const dm = follow(home, ['--channel', '@bob'], as('carol', first.url));
    await sent(home, first.url, 'to everyone who reads', 'announcements');
    await sent(home, first.url, 'just for carol', '@carol');
    await sent(home, first.url, 'in general, shown to neither');
    await lurker.until((t) => texts(t).includes('to everyone who reads'), 'the channel message');
    await dm.until((t) => texts(t).includes('just for carol'), 'the DM');
    expect(texts(lurker)).toEqual(['to everyone who reads']);
    expect(texts(dm)).toEqual(['just for carol']);
  }, 30_000);
});
