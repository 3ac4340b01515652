import { readFile, rename, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import bcrypt from 'bcrypt';
import { Command } from 'commander';
import { appConfig } from '../config/app.config.js';
import { parseUsersFile, serializeUsersFile, USERNAME_PATTERN, type UserRecord } from './users-file.js';

const MIN_PASSWORD_LENGTH = 8;
const DEFAULT_COST = 12;

/** Asks for a line on the terminal without echoing it. */
async function askHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    process.stderr.write(question);
    muted = true;
    return await rl.question('');
  } finally {
    muted = false;
    process.stderr.write('\n');
    rl.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  if (!process.stdin.isTTY)
    throw new Error('no terminal to ask for the password; pipe it with --password-stdin');
  const password = await askHidden('Password: ');
  if ((await askHidden('Password again: ')) !== password) throw new Error('the passwords do not match');
  return password;
}

async function load(file: string): Promise<UserRecord[]> {
  return parseUsersFile(await readFile(file, 'utf8'), file);
}

/** Writes the whole file at once, so that a server reading it never sees half of it. */
async function save(file: string, users: UserRecord[]): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, serializeUsersFile(users), { mode: 0o600 });
  await rename(temp, file);
}

const program = new Command('users')
  .description('Manage the user file (USERS_FILE, default ./users.json)')
  .option('-f, --file <path>', 'the user file', appConfig().usersFile);

program
  .command('add <username>')
  .description('add a user; asks for the password without echo')
  .option('-d, --display-name <name>', 'the name shown to others (default: the username)')
  .option('--password-stdin', 'read the password from standard input')
  .option('--cost <n>', 'bcrypt cost factor', String(DEFAULT_COST))
  .action(async (username: string, opts: { displayName?: string; passwordStdin?: boolean; cost: string }) => {
    const file = program.opts<{ file: string }>().file;
    if (!USERNAME_PATTERN.test(username)) throw new Error(`username must match ${USERNAME_PATTERN.source}`);
    const users = await load(file);
    if (users.some((u) => u.username === username)) throw new Error(`user "${username}" already exists`);
    const password = await readPassword(opts.passwordStdin === true);
    if ([...password].length < MIN_PASSWORD_LENGTH) {
      throw new Error(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const passwordHash = await bcrypt.hash(password, Number(opts.cost));
    const next = [...users, { username, displayName: opts.displayName ?? username, passwordHash }];
    parseUsersFile(serializeUsersFile(next), file);
    await save(file, next);
    console.log(`added ${username} to ${file}`);
  });

program
  .command('remove <username>')
  .description('remove a user')
  .action(async (username: string) => {
    const file = program.opts<{ file: string }>().file;
    const users = await load(file);
    if (!users.some((u) => u.username === username)) throw new Error(`no user "${username}" in ${file}`);
    await save(
      file,
      users.filter((u) => u.username !== username),
    );
    console.log(`removed ${username} from ${file}`);
  });

program
  .command('list')
  .description('list the users')
  .action(async () => {
    for (const user of await load(program.opts<{ file: string }>().file)) {
      console.log(`${user.username}\t${user.displayName}`);
    }
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`users: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
