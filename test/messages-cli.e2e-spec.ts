import { afterAll, describe, expect, it } from '@jest/globals';
import { SqliteMessageStore } from '../src/messages/store/sqlite-message.store.js';
import { runNode } from './support/process.js';
import { newPostgresSchema, newSqlitePath, removeTestStores } from './support/stores.js';

const messagesCli = (args: string[], input?: string) =>
  runNode('messages/store/messages.cli.js', args, { input, env: { MAX_MESSAGES: '10000' } });

afterAll(removeTestStores);

describe('npm run export / import (messages CLI)', () => {
  /** A SQLite store with three recent messages (and one past the default hour of retention). */
  async function seededSqlite(): Promise<string> {
    const path = newSqlitePath();
    const store = new SqliteMessageStore({ path, maxMessages: 10_000 });
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    await store.append(
      { channel: 'general', id: 1, user: 'alice', text: 'expired', createdAt: at(2 * 3600_000) },
      0,
    );
    await store.append(
      { channel: 'general', id: 2, user: 'alice', text: 'hi 👋', createdAt: at(3000), clientMsgId: 'c-2' },
      0,
    );
    await store.append(
      { channel: 'general', id: 3, user: 'bob', text: 'line\nbreak', createdAt: at(2000) },
      0,
    );
    await store.append(
      { channel: 'general', id: 4, user: 'carol', text: '"quoted"', createdAt: at(1000) },
      0,
    );
    await store.close();
    return `sqlite:${path}`;
  }

  it('exports the retained messages as JSON lines and imports them into PostgreSQL, once', async () => {
    const sqlite = await seededSqlite();
    const exported = await messagesCli(['export', '--store', sqlite, '--format', 'jsonl']);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as { id: number; text: string })).toMatchObject([
      { id: 2, user: 'alice', text: 'hi 👋', clientMsgId: 'c-2' },
      { id: 3, user: 'bob', text: 'line\nbreak' },
      { id: 4, user: 'carol', text: '"quoted"' },
    ]);

    const postgres = await newPostgresSchema();
    const imported = await messagesCli(['import', '--store', postgres], exported.stdout);
    expect(imported).toMatchObject({ code: 0, stderr: 'imported 3 of 3 messages\n' });
    expect((await messagesCli(['export', '--store', postgres])).stdout).toBe(exported.stdout);

    const again = await messagesCli(['import', '--store', postgres], exported.stdout);
    expect(again).toMatchObject({ code: 0, stderr: 'imported 0 of 3 messages\n' });
  });

  it.each([
    [
      'a line that is not JSON',
      '{"id":5,"user":"a","text":"t","createdAt":"2026-11-27T10:00:00Z"}\nnope\n',
      'line 2: not JSON',
    ],
    [
      'a message without text',
      '{"id":5,"user":"a","createdAt":"2026-11-27T10:00:00Z"}\n',
      'line 1: text must be a non-empty string',
    ],
    [
      'ids out of order',
      '{"id":6,"user":"a","text":"t","createdAt":"2026-11-27T10:00:00Z"}\n{"id":5,"user":"a","text":"t","createdAt":"2026-11-27T10:00:01Z"}\n',
      'line 2: messages must be in ascending id and creation time',
    ],
  ])('refuses %s with the line number, and stores nothing', async (_, input, error) => {
    const store = `sqlite:${newSqlitePath()}`;
    const run = await messagesCli(['import', '--store', store], input);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`messages: ${error}\n`);
    expect((await messagesCli(['export', '--store', store])).stdout).toBe('');
  });

  it('refuses an unknown format and a bad store setting', async () => {
    const format = await messagesCli(['export', '--format', 'csv']);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('the only format is jsonl');
    const store = await messagesCli(['export', '--store', 'mysql://db']);
    expect(store.code).toBe(1);
    expect(store.stderr).toContain('STORE must be memory, sqlite:<path> or postgres://');
  });
});
