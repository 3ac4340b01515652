import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIST, exited, randomPort } from './support/process.js';

const README = new URL('../README.md', import.meta.url);
const USERS = new URL('../users.json', import.meta.url).pathname;

/** The README's curl examples, run verbatim (but for the port) against the built server with the demo users. */
describe('README curl examples', () => {
  const port = String(randomPort());
  let server: ReturnType<typeof spawn>;
  let examples: string[];

  beforeAll(async () => {
    const text = await readFile(README, 'utf8');
    const block = /<!-- curl-examples -->\s*```sh\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
    examples = block.split('\n').filter((line) => line.startsWith('curl '));
    server = spawn(process.execPath, [DIST + 'main.js'], {
      env: { PATH: process.env.PATH, USERS_FILE: USERS, PORT: port },
    });
    await new Promise<void>((resolve) =>
      server.stdout?.on('data', (d: Buffer) => /listening/.test(String(d)) && resolve()),
    );
  });
  afterAll(async () => {
    server.kill('SIGTERM');
    await exited(server);
  });

  it('all work and answer what the README says', async () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
    const statuses: number[] = [];
    for (const example of examples) {
      const command =
        example.replaceAll('localhost:3000', `127.0.0.1:${port}`) + " -o /dev/null -w '%{http_code}'";
      const { stdout } = await promisify(execFile)('bash', ['-c', command]);
      statuses.push(Number(stdout));
    }
    // health, me, users, send, send with clientMsgId, its retry, three reads, a wrong password
    expect(statuses).toEqual([200, 200, 200, 201, 201, 200, 200, 200, 200, 401]);
  });
});
