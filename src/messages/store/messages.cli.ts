import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { toAppConfig } from '../../config/app.config.js';
import { validateEnvironment } from '../../config/env.schema.js';
import { GENERAL, type Message } from '../message.js';
import { openChannelStore } from '../../channels/store/open-channel-store.js';
import type { MessageStore } from './message-store.js';
import { openMessageStore } from './open-message-store.js';

const PAGE = 1000;

/** The configuration of the environment, with `--store` in place of `STORE` when given. */
function settings(store?: string) {
  const config = toAppConfig(validateEnvironment({ ...process.env, ...(store && { STORE: store }) }));
  return { config, notBefore: Date.now() - config.messages.ttlMs };
}

/** Opens the message store and reads the names of its channels (channels and members are not exported). */
async function withStore(
  store: string | undefined,
  use: (store: MessageStore, notBefore: number, channels: string[]) => Promise<void>,
) {
  const { config, notBefore } = settings(store);
  const directory = await openChannelStore(config.store);
  const channels = (await directory.load()).channels.map((c) => c.name);
  await directory.close();
  const opened = await openMessageStore(config.store, config.messages.maxMessages);
  try {
    await use(opened, notBefore, channels);
  } finally {
    await opened.close();
  }
}

/** A message of an export line, or a description of what is wrong with it. */
function parseLine(line: string): Message | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const m = value as Partial<Message>;
  if (typeof m !== 'object' || m === null) return 'not an object';
  if (!Number.isSafeInteger(m.id) || (m.id as number) <= 0) return 'id must be a positive integer';
  if (m.channel !== undefined && (typeof m.channel !== 'string' || m.channel === '')) {
    return 'channel must be a non-empty string';
  }
  if (typeof m.user !== 'string' || m.user === '') return 'user must be a non-empty string';
  if (typeof m.text !== 'string' || m.text === '') return 'text must be a non-empty string';
  if (typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt)))
    return 'createdAt must be a date';
  if (m.clientMsgId !== undefined && typeof m.clientMsgId !== 'string') return 'clientMsgId must be a string';
  return {
    id: m.id as number,
    // Exports from before channels have none: their messages were in general.
    channel: m.channel ?? GENERAL,
    user: m.user,
    text: m.text,
    createdAt: new Date(m.createdAt).toISOString(),
    ...(m.clientMsgId !== undefined && { clientMsgId: m.clientMsgId }),
  };
}

/** Reads and checks every line before anything is stored, so a bad file changes nothing. */
async function readMessages(): Promise<Message[]> {
  const messages: Message[] = [];
  let lineNumber = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') throw new Error(`line ${lineNumber}: ${parsed}`);
    const previous = messages.at(-1);
    if (previous && (parsed.id <= previous.id || parsed.createdAt < previous.createdAt)) {
      throw new Error(`line ${lineNumber}: messages must be in ascending id and creation time`);
    }
    messages.push(parsed);
  }
  return messages;
}

const format = (value: string) => {
  if (value !== 'jsonl') throw new InvalidArgumentError('the only format is jsonl');
  return value;
};

const program = new Command('messages').description(
  'Back up and move the retained messages of a store (STORE, or --store) as JSON lines',
);

program
  .command('export')
  .description('write every retained message to standard output, oldest first, one JSON object per line')
  .option('--store <store>', 'memory is empty at start; sqlite:<path> or postgres://… (default: STORE)')
  .option('--format <format>', 'jsonl', format, 'jsonl')
  .action(async (opts: { store?: string }) => {
    await withStore(opts.store, async (store, notBefore, channels) => {
      let page = await store.afterIn(channels, 0, PAGE, notBefore);
      for (;;) {
        for (const message of page.messages) {
          if (!process.stdout.write(`${JSON.stringify(message)}\n`)) {
            await new Promise((resolve) => process.stdout.once('drain', resolve));
          }
        }
        const last = page.messages.at(-1);
        if (!page.hasNewer || !last) return;
        page = await store.afterIn(channels, last.id, PAGE, notBefore);
      }
    });
  });

program
  .command('import')
  .description(
    'store the messages of an export read from standard input; with the server stopped. Messages already in the ' +
      'store (id at or below its newest) and messages past the retention time are skipped',
  )
  .option('--store <store>', 'sqlite:<path> or postgres://… (default: STORE)')
  .option('--format <format>', 'jsonl', format, 'jsonl')
  .action(async (opts: { store?: string }) => {
    const messages = await readMessages();
    await withStore(opts.store, async (store, notBefore) => {
      const lastId = await store.lastId();
      let imported = 0;
      for (const message of messages) {
        if (message.id <= lastId || Date.parse(message.createdAt) < notBefore) continue;
        if ((await store.append(message, notBefore)).created) imported++;
      }
      console.error(`imported ${imported} of ${messages.length} messages`);
    });
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`messages: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
