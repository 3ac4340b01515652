import type { StoreConfig } from '../../config/app.config.js';
import { MemoryUserStore } from './memory-user.store.js';
import { PostgresUserStore } from './postgres-user.store.js';
import { SqliteUserStore } from './sqlite-user.store.js';
import type { UserStore } from './user-store.js';

const USER_POOL_SIZE = 2;

/** The user store `STORE` names, migrated and ready. */
export async function openUserStore(store: StoreConfig): Promise<UserStore> {
  try {
    return await open(store);
  } catch (error) {
    throw new Error(`cannot open the user store ${describe(store)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The store, without a password. */
function describe(store: StoreConfig): string {
  if (store.kind !== 'postgres') return store.kind === 'sqlite' ? `sqlite:${store.path}` : 'memory';
  const url = new URL(store.url);
  return `${url.protocol}//${url.username}${url.password ? ':***' : ''}@${url.host}${url.pathname}`;
}

async function open(store: StoreConfig): Promise<UserStore> {
  switch (store.kind) {
    case 'memory':
      return new MemoryUserStore();
    case 'sqlite':
      return new SqliteUserStore(store.path, store.synchronous);
    case 'postgres':
      // Users are read from memory and written rarely: a small pool next to the message store's.
      return PostgresUserStore.open(store.url, Math.min(store.poolSize, USER_POOL_SIZE));
  }
}
