import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { CliError, ExitCode } from './errors.js';

/** Asks for one line on the terminal, the question on stderr; `hidden` does not echo what is typed. */
export async function ask(question: string, hidden = false): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new CliError(ExitCode.badInput, `no terminal to ask "${question.trim()}" on`);
  }
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  // Ctrl-C at the prompt: leave at once, as a shell would (the terminal is restored as readline closes).
  rl.on('SIGINT', () => {
    rl.close();
    process.stderr.write('\n');
    process.exit(130);
  });
  try {
    // readline redraws its line from the prompt it knows, so the question must be its prompt; it is written at
    // once, and only what is typed after it is muted.
    const answer = rl.question(question);
    muted = hidden;
    return await answer;
  } finally {
    if (hidden) process.stderr.write('\n');
    rl.close();
  }
}

/** All of standard input, without one final line break. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
