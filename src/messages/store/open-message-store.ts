import type { StoreConfig } from '../../config/app.config.js';
import { MemoryMessageStore } from './memory-message.store.js';
import type { MessageStore } from './message-store.js';
import { PostgresMessageStore } from './postgres-message.store.js';
import { SqliteMessageStore } from './sqlite-message.store.js';

/** The store `STORE` names, migrated and ready; used by the app and by the export/import commands. */
export async function openMessageStore(store: StoreConfig, maxMessages: number): Promise<MessageStore> {
  try {
    return await open(store, maxMessages);
  } catch (error) {
    throw new Error(`cannot open the message store ${describe(store)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The store for messages, without a password. */
function describe(store: StoreConfig): string {
  if (store.kind !== 'postgres') return store.kind === 'sqlite' ? `sqlite:${store.path}` : 'memory';
  const url = new URL(store.url);
  return `${url.protocol}//${url.username}${url.password ? ':***' : ''}@${url.host}${url.pathname}`;
}

async function open(store: StoreConfig, maxMessages: number): Promise<MessageStore> {
  switch (store.kind) {
    case 'memory':
      return new MemoryMessageStore(maxMessages);
    case 'sqlite':
      return new SqliteMessageStore({ path: store.path, synchronous: store.synchronous, maxMessages });
    case 'postgres':
      return PostgresMessageStore.open({ url: store.url, poolSize: store.poolSize, maxMessages });
  }
}
