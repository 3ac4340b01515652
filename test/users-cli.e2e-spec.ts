import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from '@jest/globals';
import bcrypt from 'bcrypt';
import { parseUsersFile } from '../src/auth/users-file.js';
import { DIST, exited, runNode } from './support/process.js';
import { TEST_USERS_FILE } from './support/test-app.js';

describe('npm run users (users CLI)', () => {
  let file: string;
  const users = (args: string[], input?: string) =>
    runNode('auth/users.cli.js', ['--file', file, ...args], { input });
  const load = async () => parseUsersFile(await readFile(file, 'utf8'), file);

  beforeEach(async () => {
    file = join(await mkdtemp(join(tmpdir(), 'chat-users-')), 'users.json');
    await copyFile(TEST_USERS_FILE, file);
  });

  it('adds a user with a bcrypt hash of the password read from stdin', async () => {
    const run = await users(
      ['add', 'eve', '--display-name', 'Eve Moneypenny', '--password-stdin', '--cost', '10'],
      'eve-secret-1\n',
    );
    expect(run).toMatchObject({ code: 0 });
    const eve = (await load()).find((u) => u.username === 'eve');
    expect(eve?.displayName).toBe('Eve Moneypenny');
    expect(eve?.passwordHash).toMatch(/^\$2b\$10\$/);
    expect(await bcrypt.compare('eve-secret-1', eve!.passwordHash)).toBe(true);
  });

  it('asks for the password twice on a terminal without echoing it', async () => {
    // `script` gives the CLI a pseudo-terminal, as a person typing would.
    const command = `${process.execPath} ${DIST}auth/users.cli.js --file ${file} add frank --cost 10`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: 'pipe' });
    const exit = exited(child);
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (/Password again: $/.test(output)) child.stdin.write('typed-secret-9\r');
      else if (/Password: $/.test(output)) child.stdin.write('typed-secret-9\r');
    });
    const { code } = await exit;
    expect(code).toBe(0);
    expect(output).toContain('added frank');
    expect(output).not.toContain('typed-secret-9');
    const frank = (await load()).find((u) => u.username === 'frank');
    expect(await bcrypt.compare('typed-secret-9', frank!.passwordHash)).toBe(true);
  });

  it('refuses an existing username, an invalid username and a short password, leaving the file as it was', async () => {
    const original = await readFile(file, 'utf8');
    expect((await users(['add', 'alice', '--password-stdin'], 'long-enough-pw')).stderr).toContain(
      'already exists',
    );
    expect((await users(['add', 'Bad Name', '--password-stdin'], 'long-enough-pw')).stderr).toContain(
      'username must match',
    );
    const short = await users(['add', 'gina', '--password-stdin', '--cost', '10'], 'short');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 8 characters');
    expect(await readFile(file, 'utf8')).toBe(original);
  });

  it('refuses to ask for a password without a terminal', async () => {
    const run = await users(['add', 'hank']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--password-stdin');
  });

  it('lists and removes users', async () => {
    expect((await users(['list'])).stdout).toContain('carol\tCarol Danvers');
    expect(await users(['remove', 'carol'])).toMatchObject({ code: 0 });
    expect((await load()).map((u) => u.username)).not.toContain('carol');
    expect((await users(['remove', 'carol'])).code).toBe(1);
  });
});
