import { execFile, spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { as, CHAT_MAIN, newHome, removeHomes } from './support/chat-cli.js';
import { ServerProcess } from './support/server-process.js';

const run = promisify(execFile);
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
if (!HAS_TMUX) {
  console.warn(
    'tmux is not installed: skipping the terminal tests of chat (.ci/run installs it: apt-get install tmux)',
  );
}

let sessions = 0;

/** One command in a tmux pane: a real pseudo-terminal, typed into with send-keys and read with capture-pane. */
class Pane {
  private readonly socket = `chat-cli-test-${process.pid}-${++sessions}`;

  static async start(command: string): Promise<Pane> {
    const pane = new Pane();
    // Its own server (-L) and no configuration (-f): nothing of a tmux the user runs is touched.
    await pane.tmux('-f', '/dev/null', 'new-session', '-d', '-x', '150', '-y', '40', `${command}; sleep 60`);
    return pane;
  }

  async tmux(...args: string[]): Promise<string> {
    const env = { PATH: process.env.PATH, TERM: 'xterm-256color', HOME: process.env.HOME };
    return (await run('tmux', ['-L', this.socket, ...args], { env })).stdout;
  }

  /** The screen's text; with `escapes`, with its colours as escape sequences. */
  screen(escapes = false): Promise<string> {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []));
  }

  async until(pattern: RegExp, what: string): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const screen = await this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', '0', '-l', text);
    await this.tmux('send-keys', '-t', '0', 'Enter');
  }

  async kill(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }
}

const itWithTmux = HAS_TMUX ? it : it.skip;

describe('chat on a terminal (tmux)', () => {
  let server: ServerProcess;
  const panes: Pane[] = [];
  const open = async (command: string) => {
    const pane = await Pane.start(command);
    panes.push(pane);
    return pane;
  };

  beforeAll(async () => {
    if (HAS_TMUX) server = await ServerProcess.start();
  });
  afterEach(async () => {
    for (const pane of panes.splice(0)) await pane.kill();
  });
  afterAll(async () => {
    await server?.stop();
    await removeHomes();
  });

  itWithTmux('login asks for the user and, without echo, the password, then saves them', async () => {
    const home = await newHome();
    const pane = await open(
      `env HOME=${home} ${process.execPath} ${CHAT_MAIN} login --server ${server.url}; echo "exit=$?"`,
    );
    await pane.until(/User: ?$/m, 'the user prompt');
    await pane.type('alice');
    await pane.until(/Password: ?$/m, 'the password prompt');
    await pane.type('alice-password');
    const screen = await pane.until(/exit=\d+/, 'the end of login');

    expect(screen).toContain('exit=0');
    expect(screen).toContain(`Logged in to ${server.url} as alice (Alice Liddell)`);
    expect(screen).not.toContain('alice-password');
    const netrc = join(home, '.netrc');
    expect((await stat(netrc)).mode & 0o777).toBe(0o600);
    expect(await readFile(netrc, 'utf8')).toBe('machine 127.0.0.1 login alice password alice-password\n');

    // Logged in again, the saved user is offered; a wrong password there saves nothing and exits with 3.
    const again = await open(`env HOME=${home} ${process.execPath} ${CHAT_MAIN} login; echo "exit=$?"`);
    await again.until(/User \[alice\]: ?$/m, 'the user prompt with the saved user');
    await again.type('');
    await again.until(/Password: ?$/m, 'the password prompt');
    await again.type('guessing');
    const refused = await again.until(/exit=\d+/, 'the end of login');
    expect(refused).toContain('chat: wrong user name or password');
    expect(refused).toContain('exit=3');
    expect(await readFile(netrc, 'utf8')).toBe('machine 127.0.0.1 login alice password alice-password\n');
  });

  itWithTmux('prints aligned columns in colour, and no colour with NO_COLOR', async () => {
    const home = await newHome();
    const env = Object.entries(as('alice', server.url))
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    const chat = `env HOME=${home} ${env} ${process.execPath} ${CHAT_MAIN}`;
    const pane = await open(`${chat} users; echo coloured; NO_COLOR=1 ${chat} users; echo plain`);
    const screen = await pane.until(/^plain$/m, 'both listings');
    expect(screen).toContain('alice  Alice Liddell\n');
    expect(screen).toContain('zoe    Zoë Ünicode\n');

    const [coloured, plain] = (await pane.screen(true)).split('coloured');
    expect(coloured).toContain('\x1b[1malice');
    expect(plain).not.toContain('\x1b[');
    expect(plain).toContain('carol  Carol Danvers');
  });

  itWithTmux('search shows its matches in inverse video, with the channel; plain with NO_COLOR', async () => {
    const home = await newHome();
    const env = Object.entries(as('alice', server.url))
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    const chat = `env HOME=${home} ${env} ${process.execPath} ${CHAT_MAIN}`;
    const pane = await open(
      `${chat} send 'ship the Tamarind build' >/dev/null && ${chat} search tamarind; echo coloured; ` +
        `NO_COLOR=1 ${chat} search tamarind; echo plain`,
    );
    const screen = await pane.until(/^plain$/m, 'both searches');
    expect(screen).toMatch(/^\d\d:\d\d:\d\d {2}#general {2}alice {5}ship the Tamarind build$/m);

    const [coloured, plain] = (await pane.screen(true)).split('coloured');
    // tmux redraws the attributes its own way: inverse on before the match, a reset of it after.
    expect(coloured).toContain('ship the \x1b[7mTamarind\x1b[');
    expect(coloured).not.toContain('\x1b[7mship');
    expect(plain).not.toContain('\x1b[');
    expect(plain).toContain('ship the Tamarind build');
  });
});
