import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { DIST, exited, randomPort, runNode } from './support/process.js';
import { TEST_USERS_FILE } from './support/test-app.js';

/** Starts the built server (dist/main.js), as `npm start` does. */
const start = (env: Record<string, string>) =>
  runNode('main.js', [], { env: { USERS_FILE: TEST_USERS_FILE, ...env } });

describe('start-up (API.md Configuration, users.json)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chat-startup-'));
  });

  it.each([
    ['MAX_MESSAGES', 'lots'],
    ['PORT', '70000'],
    ['MESSAGE_TTL_SECONDS', '0'],
    ['LOG_LEVEL', 'loud'],
    ['SEND_BURST', '-1'],
    ['STORE', 'mysql://db/chat'],
    ['SQLITE_SYNCHRONOUS', 'OFF'],
  ])('stops with exit code 1 and names the variable when %s=%s', async (name, value) => {
    const { code, stderr } = await start({ [name]: value });
    expect(code).toBe(1);
    expect(stderr).toContain(`${name}=`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('stops when only one of TLS_CERT_FILE and TLS_KEY_FILE is set', async () => {
    const { code, stderr } = await start({ TLS_CERT_FILE: '/tmp/cert.pem' });
    expect(code).toBe(1);
    expect(stderr).toContain('TLS_CERT_FILE and TLS_KEY_FILE');
  });

  it('stops and names the entry and the field of an invalid user file', async () => {
    const users = JSON.parse(await readFile(TEST_USERS_FILE, 'utf8')) as {
      users: { passwordHash: string }[];
    };
    users.users[1].passwordHash = 'plaintext-password';
    const file = join(dir, 'bad-users.json');
    await writeFile(file, JSON.stringify(users));
    const { code, stderr } = await start({ USERS_FILE: file });
    expect(code).toBe(1);
    expect(stderr).toContain('entry 1 ("bob"): passwordHash');
    expect(stderr).not.toContain('plaintext-password');
  });

  it.each([
    [`sqlite:/nonexistent-${process.pid}/chat.db`, `store sqlite:/nonexistent-${process.pid}/chat.db: `],
    ['postgres://chat:s3cret@127.0.0.1:1/chat', 'store postgres://chat:***@127.0.0.1:1/chat: connect'],
  ])('stops and says why when the store %s cannot be opened, without the password', async (store, error) => {
    const { code, stderr } = await start({ STORE: store });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^Cannot start: cannot open the ((user|channel|message) store|bus on the store) /m,
    );
    expect(stderr).toContain(error);
    expect(stderr).not.toContain('s3cret');
  });

  it('stops when the user file is missing', async () => {
    const { code, stderr } = await start({ USERS_FILE: join(dir, 'absent.json') });
    expect(code).toBe(1);
    expect(stderr).toContain('absent.json');
  });

  it('serves with a valid configuration and exits 0 on SIGTERM', async () => {
    const port = String(randomPort());
    const child = spawn(process.execPath, [DIST + 'main.js'], {
      env: { PATH: process.env.PATH, USERS_FILE: TEST_USERS_FILE, PORT: port },
    });
    const exit = exited(child);
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => /listening/.test(String(d)) && resolve()),
    );
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect((await exit).code).toBe(0);
  });
});
