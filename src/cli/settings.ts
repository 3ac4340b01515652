import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { CliError, ExitCode } from './errors.js';
import { findCredentials, removeMachine, upsertMachine, type Credentials } from './netrc.js';

export const DEFAULT_SERVER = 'http://localhost:3000';

/** The environment `chat` reads, in this one place. */
export interface Environment {
  HOME?: string;
  XDG_CONFIG_HOME?: string;
  CHAT_SERVER?: string;
  CHAT_USER?: string;
  CHAT_PASSWORD?: string;
  NO_COLOR?: string;
  FORCE_COLOR?: string;
  TERM?: string;
}

/** ~/.config/chat/config.json; keys other than `server` are kept as they are. */
type ConfigFile = Record<string, unknown>;

/** Where `chat` keeps its files; relative to `HOME` as the environment has it (the tests set it). */
export class Paths {
  constructor(private readonly env: Environment) {}

  /** HOME, else the account's home directory; never a relative path (the files would land in the working directory). */
  get home(): string {
    const home = this.env.HOME || userInfo().homedir;
    if (!isAbsolute(home)) throw new CliError(ExitCode.other, `HOME must be an absolute path, not "${home}"`);
    return home;
  }

  get netrc(): string {
    return join(this.home, '.netrc');
  }

  get config(): string {
    return join(this.env.XDG_CONFIG_HOME || join(this.home, '.config'), 'chat', 'config.json');
  }
}

async function readIfExists(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Writes a whole file at once with mode 0600 (a reader never sees half of it; others never read it). */
async function writePrivate(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
}

/** A server URL as the user gave it, checked: `http(s)://host[:port]`, without a trailing slash. */
export function normalizeServer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(ExitCode.badInput, `invalid server URL "${value}" (expected e.g. ${DEFAULT_SERVER})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(ExitCode.badInput, `invalid server URL "${value}": use http:// or https://`);
  }
  if (url.username || url.password) {
    throw new CliError(ExitCode.badInput, 'put credentials in ~/.netrc (chat login), not in the server URL');
  }
  return url.href.replace(/\/+$/, '');
}

/** The server, the credentials and the files behind them, from options, environment, config file and netrc. */
export class Settings {
  readonly paths: Paths;

  constructor(private readonly env: Environment) {
    this.paths = new Paths(env);
  }

  /** `--server`, else CHAT_SERVER, else the server of the last `chat login`, else localhost:3000. */
  async server(option?: string): Promise<string> {
    const chosen = option ?? this.env.CHAT_SERVER ?? (await this.savedServer()) ?? DEFAULT_SERVER;
    return normalizeServer(chosen);
  }

  /** CHAT_USER and CHAT_PASSWORD, else the netrc entry of the server's host. */
  async credentials(server: string): Promise<Credentials> {
    const { CHAT_USER: user, CHAT_PASSWORD: password } = this.env;
    if (user !== undefined && password !== undefined) return { login: user, password };
    const host = new URL(server).hostname;
    const saved = findCredentials(await readIfExists(this.paths.netrc), host);
    if (saved && (user === undefined || saved.login === user)) {
      return { login: saved.login, password: password ?? saved.password };
    }
    throw new CliError(
      ExitCode.badCredentials,
      `not logged in to ${host}: run \`chat login --server ${server}\`, or set CHAT_USER and CHAT_PASSWORD`,
    );
  }

  /** The user name saved for the server's host, to offer as the default at the login prompt. */
  async savedLogin(server: string): Promise<string | undefined> {
    return findCredentials(await readIfExists(this.paths.netrc), new URL(server).hostname)?.login;
  }

  /** Saves the credentials in ~/.netrc (only this host's entry changes) and remembers the server. */
  async saveLogin(server: string, credentials: Credentials): Promise<void> {
    const file = this.paths.netrc;
    await writePrivate(file, upsertMachine(await readIfExists(file), new URL(server).hostname, credentials));
    await writePrivate(
      this.paths.config,
      JSON.stringify({ ...(await this.readConfig()), server }, null, 2) + '\n',
    );
  }

  /** Removes the host's entry from ~/.netrc; false when there was none. */
  async forget(server: string): Promise<boolean> {
    const file = this.paths.netrc;
    const { text, removed } = removeMachine(await readIfExists(file), new URL(server).hostname);
    if (removed) await writePrivate(file, text);
    return removed;
  }

  private async savedServer(): Promise<string | undefined> {
    const { server } = await this.readConfig();
    return typeof server === 'string' ? server : undefined;
  }

  private async readConfig(): Promise<ConfigFile> {
    const text = await readIfExists(this.paths.config);
    if (text === '') return {};
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { ...parsed };
    } catch {
      // reported below
    }
    throw new CliError(ExitCode.other, `${this.paths.config} is not a JSON object; fix or delete it`);
  }
}
