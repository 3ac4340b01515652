import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseChannelRef } from './channel-ref.js';
import * as commands from './commands.js';
import type { Context } from './commands.js';
import { EXIT_CODES_HELP, ExitCode, toCliError } from './errors.js';
import { colorsFor, Output, outputMode } from './output.js';
import { DEFAULT_SERVER, Settings, type Environment } from './settings.js';

const env = process.env as Environment;

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

const channelOption = () =>
  new Option(
    '-c, --channel <name>',
    'a channel (design, #design), a DM by name (dm-…) or by members (@bob, @bob,carol)',
  )
    .default(parseChannelRef('general'), 'general')
    .argParser(parseChannelRef);

const ENVIRONMENT_HELP = `Environment:
  CHAT_SERVER                the server URL (else the last \`chat login\`, else ${DEFAULT_SERVER})
  CHAT_USER, CHAT_PASSWORD   credentials, instead of those in ~/.netrc
  NO_COLOR                   no colour even on a terminal
  HOME, XDG_CONFIG_HOME      where ~/.netrc and ~/.config/chat/config.json (the remembered server) are`;

const EXAMPLES_HELP = `Examples:
  chat login --server http://localhost:3000
  chat send "hello everyone"
  echo "build finished" | chat send --channel ops
  chat tail -n 50 --follow
  chat history --before 1764237600000123 --limit 100 --json | jq -r .text
  chat send --channel @bob "lunch?"
  chat search deploy from:alice`;

const SEARCH_HELP = `
The words are joined with spaces into one query (docs/API.md, Search); a quoted phrase needs its quotes kept, and a
word that starts with - (an exclusion) must come after -- or inside a quoted query:
  chat search deploy from:alice
  chat search '"exact phrase"' in:design
  chat search -- deploy -staging
  chat search --all --json has:link after:2026-11-01 | jq -r .message.text
`;

function buildProgram(run: (action: (ctx: Context) => Promise<unknown>) => Promise<void>): Command {
  const program = new Command('chat')
    .description('Talk on the chat server from a terminal or a script.')
    .option('-s, --server <url>', 'the server URL (default: CHAT_SERVER, else the last login)')
    .option('--json', 'print JSON, one object per line, for scripts')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(see chat --help)')
    .configureOutput({ outputError: (text, write) => write(`chat: ${text.replace(/^error: /, '')}`) })
    .exitOverride()
    .addHelpText('after', `\n${EXAMPLES_HELP}\n\n${ENVIRONMENT_HELP}\n\n${EXIT_CODES_HELP}\n`);

  program
    .command('login')
    .description(
      'ask for user and password, check them, and save them in ~/.netrc (mode 0600, curl reads it too)',
    )
    .option('-u, --user <name>', 'the user name (default: CHAT_USER, else asked)')
    .option('--password-stdin', 'read the password from standard input instead of asking')
    .addHelpText('after', '\nThe server is remembered in ~/.config/chat/config.json for the next commands.')
    .action((opts: commands.LoginOptions) => run((ctx) => commands.login(ctx, env, opts)));

  program
    .command('logout')
    .description("remove the server's entry from ~/.netrc")
    .action(() => run((ctx) => commands.logout(ctx)));

  program
    .command('send')
    .description('send a message: the text argument, or standard input when there is none')
    .argument('[text]', 'the message (quote it); read from standard input when omitted')
    .addOption(channelOption())
    .option(
      '--client-msg-id <id>',
      'the idempotency key (default: a new random one); a repeat is not stored twice',
    )
    .option(
      '--retries <n>',
      'retries on network errors and 5xx, with the same clientMsgId',
      integer(0, 20),
      4,
    )
    .action((text: string | undefined, opts: commands.SendOptions) =>
      run((ctx) => commands.send(ctx, text, opts)),
    );

  program
    .command('tail')
    .description(
      'print the last messages; with --follow, then new ones as they come (resuming across reconnects)',
    )
    .option('-n, --lines <n>', 'how many of the last messages', integer(0, 1000), 20)
    .option('-f, --follow', 'keep printing new messages until interrupted (Ctrl-C)')
    .addOption(channelOption())
    .action((opts: commands.TailOptions) => run((ctx) => commands.tail(ctx, opts)));

  program
    .command('history')
    .description('print a page of messages, oldest first')
    .option(
      '--before <id>',
      'only messages older than this id (to scroll back)',
      integer(1, Number.MAX_SAFE_INTEGER),
    )
    .option('-l, --limit <n>', 'how many messages', integer(1, 1000), 50)
    .addOption(channelOption())
    .action((opts: commands.HistoryOptions) => run((ctx) => commands.history(ctx, opts)));

  program
    .command('search')
    .description('find messages in every channel and DM you can read, newest first')
    .argument(
      '<words...>',
      'the query: words, "exact phrases", -excluded, from:alice, in:design, after:2026-11-01',
    )
    .option('-l, --limit <n>', 'how many results (with --all: per request)', integer(1, 100), 20)
    .option(
      '--before <id>',
      'only messages older than this id (the next page)',
      integer(1, Number.MAX_SAFE_INTEGER),
    )
    .option('--all', 'every result, page after page, instead of one page')
    .addHelpText('after', SEARCH_HELP)
    .action((words: string[], opts: commands.SearchOptions) =>
      run((ctx) => commands.search(ctx, words, opts)),
    );

  program
    .command('users')
    .description('list the users')
    .action(() => run((ctx) => commands.users(ctx)));

  program
    .command('whoami')
    .description('show who you are logged in as, and where')
    .action(() => run((ctx) => commands.whoami(ctx)));

  program
    .command('channels')
    .description('list the channels and DMs you can see, with unread counts')
    .action(() => run((ctx) => commands.channels(ctx)));

  return program;
}

async function main(): Promise<number> {
  // A reader that went away (`chat tail -f | head -3`) is the end, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
  });
  const settings = new Settings(env);
  let server = '';
  const run = async (action: (ctx: Context) => Promise<unknown>) => {
    const global = program.opts<{ server?: string; json?: boolean }>();
    const mode = outputMode(global.json === true, process.stdout.isTTY === true);
    const out = new Output(mode, colorsFor(mode, env), (text) => process.stdout.write(text));
    server = await settings.server(global.server);
    await action({
      settings,
      server,
      out,
      notice: (text) => process.stderr.write(`${text}\n`),
      stdinIsTTY: process.stdin.isTTY === true,
    });
  };
  const program = buildProgram(run);
  try {
    await program.parseAsync();
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    const failure = toCliError(error, server);
    process.stderr.write(`chat: ${failure.message}\n`);
    return failure.exitCode;
  }
}

process.exitCode = await main();
