import type { StoreConfig } from '../../config/app.config.js';
import { openStore } from '../../storage/open-store.js';
import { MemoryUserStore } from './memory-user.store.js';
import { PostgresUserStore } from './postgres-user.store.js';
import { SqliteUserStore } from './sqlite-user.store.js';
import type { UserStore } from './user-store.js';

const USER_POOL_SIZE = 2;

/** The user store `STORE` names, migrated and ready. */
export function openUserStore(store: StoreConfig): Promise<UserStore> {
  return openStore('user', store, () => open(store));
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
