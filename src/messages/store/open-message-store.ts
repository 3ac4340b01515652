import type { StoreConfig } from '../../config/app.config.js';
import { openStore } from '../../storage/open-store.js';
import { MemoryMessageStore } from './memory-message.store.js';
import type { MessageStore } from './message-store.js';
import { PostgresMessageStore } from './postgres-message.store.js';
import { SqliteMessageStore } from './sqlite-message.store.js';

/** The store `STORE` names, migrated and ready; used by the app and by the export/import commands. */
export function openMessageStore(store: StoreConfig, maxMessages: number): Promise<MessageStore> {
  return openStore('message', store, () => open(store, maxMessages));
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
