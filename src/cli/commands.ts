import { randomUUID } from 'node:crypto';
import { ApiClient, type Channel, type Message } from './api-client.js';
import { resolveChannel, type ChannelRef } from './channel-ref.js';
import { CliError, ExitCode, HttpError, isTransient, NetworkError } from './errors.js';
import { follow } from './follow.js';
import { Output } from './output.js';
import { ask, readStdin } from './prompt.js';
import type { Settings } from './settings.js';

/** What every command gets: where settings come from, where output goes, and the global options. */
export interface Context {
  settings: Settings;
  out: Output;
  /** A line for stderr (notices, hints; errors are reported by main). */
  notice: (text: string) => void;
  /** The server URL, from --server, CHAT_SERVER, the last login or the default. */
  server: string;
  stdinIsTTY: boolean;
}

async function connect(ctx: Context): Promise<ApiClient> {
  return new ApiClient(ctx.server, await ctx.settings.credentials(ctx.server));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// login, logout, whoami -------------------------------------------------------------------------------------------

export interface LoginOptions {
  user?: string;
  passwordStdin?: boolean;
}

export async function login(
  ctx: Context,
  env: { CHAT_USER?: string; CHAT_PASSWORD?: string },
  opts: LoginOptions,
) {
  const { server } = ctx;
  let user = opts.user ?? env.CHAT_USER;
  if (user === undefined) {
    if (!ctx.stdinIsTTY)
      throw new CliError(ExitCode.badInput, 'no terminal to ask for the user: pass --user or set CHAT_USER');
    const saved = await ctx.settings.savedLogin(server);
    user = (await ask(saved ? `User [${saved}]: ` : 'User: ')).trim() || saved;
  }
  if (!user) throw new CliError(ExitCode.badInput, 'no user name given');
  let password: string | undefined = opts.passwordStdin ? await readStdin() : env.CHAT_PASSWORD;
  if (password === undefined) {
    if (!ctx.stdinIsTTY) {
      throw new CliError(
        ExitCode.badInput,
        'no terminal to ask for the password: use --password-stdin or set CHAT_PASSWORD',
      );
    }
    password = await ask('Password: ', true);
  }
  if (password === '') throw new CliError(ExitCode.badInput, 'no password given');

  const client = new ApiClient(server, { login: user, password });
  let me;
  try {
    me = await client.me();
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) {
      throw new CliError(ExitCode.badCredentials, `wrong user name or password for ${server}; nothing saved`);
    }
    throw error;
  }
  await ctx.settings.saveLogin(server, { login: user, password });
  if (ctx.out.json) return ctx.out.value({ server, ...me, netrc: ctx.settings.paths.netrc });
  ctx.out.line(
    `Logged in to ${server} as ${me.username} (${me.displayName}); saved in ${ctx.settings.paths.netrc}`,
  );
}

export async function logout(ctx: Context) {
  const { server } = ctx;
  const removed = await ctx.settings.forget(server);
  const host = new URL(server).hostname;
  if (ctx.out.json) return ctx.out.value({ server, host, removed });
  ctx.out.line(removed ? `Logged out of ${host}` : `Not logged in to ${host}; nothing to do`);
}

export async function whoami(ctx: Context) {
  const client = await connect(ctx);
  const me = await client.me();
  if (ctx.out.json) return ctx.out.value({ ...me, server: client.server });
  const { c } = ctx.out;
  ctx.out.line(`${c.bold(me.username)} (${me.displayName}), ${me.role}, on ${client.server}`);
}

// users, channels -------------------------------------------------------------------------------------------------

export async function users(ctx: Context) {
  const client = await connect(ctx);
  const list = await client.users();
  if (ctx.out.json) return list.forEach((u) => ctx.out.value(u));
  const { c } = ctx.out;
  ctx.out.table(
    list.map((u) => [u.username, u.displayName]),
    (cell, column) => (column === 0 ? c.bold(cell) : cell),
  );
}

function channelRow(channel: Channel, me: string): string[] {
  const type = channel.kind === 'dm' ? 'dm' : channel.private ? 'private' : 'public';
  const unread = channel.member ? String(channel.unread ?? 0) : '-';
  const about =
    channel.kind === 'dm'
      ? channel.name
      : channel.member
        ? channel.topic
        : `${channel.topic} (not a member)`.trim();
  return [Output.channelLabel(channel, me), type, unread, about];
}

export async function channels(ctx: Context) {
  const client = await connect(ctx);
  const list = await client.channels();
  if (ctx.out.json) return list.forEach((ch) => ctx.out.value(ch));
  const { c } = ctx.out;
  const header = ctx.out.mode === 'tty' ? [['CHANNEL', 'TYPE', 'UNREAD', 'TOPIC']] : [];
  const rows = list.map((ch) => channelRow(ch, client.username));
  ctx.out.table([...header, ...rows], (cell, column, row) => {
    if (header.length > 0 && row === 0) return c.dim(cell);
    if (column === 2 && Number(cell) > 0) return c.bold(c.yellow(cell));
    return column === 0 ? c.bold(cell) : cell;
  });
}

// send, history, tail ---------------------------------------------------------------------------------------------

export interface SendOptions {
  channel: ChannelRef;
  clientMsgId?: string;
  retries: number;
}

/** Sends; on a network error or a 5xx it retries with the same clientMsgId, so the server stores it once. */
export async function send(ctx: Context, textArgument: string | undefined, opts: SendOptions) {
  let text = textArgument;
  if (text === undefined) {
    if (ctx.stdinIsTTY)
      throw new CliError(
        ExitCode.badInput,
        'nothing to send: give the text as an argument or on standard input',
      );
    text = await readStdin();
  }
  if (!/\S/.test(text)) throw new CliError(ExitCode.badInput, 'nothing to send: the text is empty');
  const client = await connect(ctx);
  const channel = await resolveChannel(client, opts.channel);
  const clientMsgId = opts.clientMsgId ?? `cli-${randomUUID()}`;
  let message: Message;
  for (let attempt = 0; ; attempt++) {
    try {
      message = await client.send(channel, text, clientMsgId);
      break;
    } catch (error) {
      if (!isTransient(error) || attempt >= opts.retries) throw error;
      const asked =
        error instanceof HttpError && error.retryAfter !== undefined ? error.retryAfter * 1000 : 0;
      const delay = Math.min(10_000, Math.max(asked, 500 * 2 ** attempt));
      const why = error instanceof NetworkError ? error.reason : `HTTP ${(error as HttpError).status}`;
      ctx.notice(
        `send failed (${why}); retrying in ${(delay / 1000).toFixed(1)} s with the same clientMsgId`,
      );
      await sleep(delay);
    }
  }
  if (ctx.out.json) return ctx.out.value(message);
  ctx.out.line(`sent ${message.id} to ${channel}`);
}

export interface HistoryOptions {
  channel: ChannelRef;
  before?: number;
  limit: number;
}

export async function history(ctx: Context, opts: HistoryOptions) {
  const client = await connect(ctx);
  const channel = await resolveChannel(client, opts.channel);
  const page = await client.messages(channel, { before: opts.before, limit: opts.limit });
  page.messages.forEach((m) => ctx.out.message(m));
  if (page.hasOlder && ctx.out.mode === 'tty' && page.messages.length > 0) {
    ctx.notice(ctx.out.c.dim(`older messages: chat history --before ${page.messages[0].id}`));
  }
}

export interface TailOptions {
  channel: ChannelRef;
  lines: number;
  follow?: boolean;
}

export async function tail(ctx: Context, opts: TailOptions) {
  const client = await connect(ctx);
  const channel = await resolveChannel(client, opts.channel);
  const page = await client.messages(channel, { limit: Math.max(1, opts.lines) });
  const shown = page.messages.slice(Math.max(0, page.messages.length - opts.lines));
  shown.forEach((m) => ctx.out.message(m));
  if (!opts.follow) return;
  const { member } = await client.channel(channel);
  await follow({
    client,
    channel,
    after: page.messages.at(-1)?.id ?? 0,
    print: (m) => ctx.out.message(m),
    notice: (text) => ctx.notice(ctx.out.c.dim(`chat: ${text}`)),
    useStream: member,
  });
}

// search ----------------------------------------------------------------------------------------------------------

export interface SearchOptions {
  limit: number;
  before?: number;
  all?: boolean;
}

/** What a query finds (API.md, Search), newest first: one page, or with --all every page to the oldest. */
export async function search(ctx: Context, words: string[], opts: SearchOptions) {
  const q = words.join(' ');
  const client = await connect(ctx);
  let before = opts.before;
  for (let pages = 0; ; pages++) {
    const page = await client.search({ q, limit: opts.limit, before });
    ctx.out.searchResults(page.results, client.username);
    if (pages === 0 && page.results.length === 0 && ctx.out.mode === 'tty') {
      ctx.notice(ctx.out.c.dim('no messages found'));
    }
    const last = page.results.at(-1)?.message.id;
    if (!page.hasMore || last === undefined) return;
    if (!opts.all) {
      ctx.notice(
        ctx.out.c.dim(`more results: add --before ${last} for the next page, or --all for all of them`),
      );
      return;
    }
    // Each page starts below the last one, so the ids fall and the loop ends; a server that repeats itself is a bug.
    if (before !== undefined && last >= before) {
      throw new CliError(
        ExitCode.other,
        `the server answered page ${pages + 2} with results it had already sent`,
      );
    }
    before = last;
  }
}
