import { Logger } from '@nestjs/common';
import pg from 'pg';
import { migrationsFor, pendingMigrations } from './migrations.js';

/**
 * Key of the transaction-scoped advisory lock that serializes the migrations of instances starting at once. Any
 * constant works as long as nothing else in the database takes the same key; this one spells "chatms" in ASCII.
 */
const MIGRATION_LOCK = 0x63_68_61_74_6d_73;

/** A caller waiting longer than this for a free connection gets an error instead of waiting for ever. */
const CONNECTION_TIMEOUT_MS = 10_000;

const logger = new Logger('PostgreSQL');

/** A pool on `url` with the schema migrated; rejects, with the pool closed, if either fails. */
export async function openPostgres(url: string, poolSize = 10): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
  });
  // An idle connection that breaks (server restart, network) is reported here; without a listener it would crash
  // the process. The pool replaces it on the next query.
  pool.on('error', (error) => logger.warn(`idle PostgreSQL connection failed: ${error.message}`));
  try {
    await migrate(pool);
    return pool;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** Runs `fn` in a transaction on one connection of the pool; rolls back if it throws. */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is discarded rather than returned to the pool mid-transaction.
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Applies the pending migrations in one transaction under an advisory lock, so instances starting at once migrate
 * one after another and the later ones find nothing to do. A schema newer than this build knows rolls back untouched.
 */
async function migrate(pool: pg.Pool): Promise<void> {
  await transaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    // Created under the lock: two concurrent CREATE TABLE IF NOT EXISTS can both miss the table and one then fails.
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations ' +
        '(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_migrations',
    );
    for (const migration of pendingMigrations(rows[0].v ?? 0, migrationsFor('postgres'))) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
  });
}
