import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The local PostgreSQL the tests use (`.ci/run` starts it); each test gets a schema of its own in it. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let schemas: string[] = [];
let sqliteDir: string | undefined;
let files = 0;

/** A new, empty schema in the test database; the `STORE` URL that puts the store in it. */
export async function newPostgresSchema(): Promise<string> {
  const schema = `chat_test_${process.pid}_${schemas.length + 1}_${Date.now() % 100_000}`;
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  schemas.push(schema);
  const join = TEST_POSTGRES_URL.includes('?') ? '&' : '?';
  return `${TEST_POSTGRES_URL}${join}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** A path for a new SQLite database in a temporary directory of this test file. */
export function newSqlitePath(): string {
  sqliteDir ??= mkdtempSync(join(tmpdir(), 'chat-test-'));
  return join(sqliteDir, `store-${++files}.db`);
}

/** Drops the schemas and files made by this test file; call in `afterAll`. */
export async function removeTestStores(): Promise<void> {
  if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
  sqliteDir = undefined;
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
  schemas = [];
}

/** Every store, as the `STORE` setting that selects a new, empty one. */
export const TEST_STORES: { name: string; store: () => Promise<string> }[] = [
  { name: 'memory', store: () => Promise.resolve('memory') },
  { name: 'SQLite', store: () => Promise.resolve(`sqlite:${newSqlitePath()}`) },
  { name: 'PostgreSQL', store: newPostgresSchema },
];
