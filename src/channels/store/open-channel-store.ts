import type { StoreConfig } from '../../config/app.config.js';
import { openStore } from '../../storage/open-store.js';
import type { ChannelStore } from './channel-store.js';
import { MemoryChannelStore } from './memory-channel.store.js';
import { PostgresChannelStore } from './postgres-channel.store.js';
import { SqliteChannelStore } from './sqlite-channel.store.js';

/** The channel directory of the store `STORE` names (the same database as the messages). */
export function openChannelStore(store: StoreConfig): Promise<ChannelStore> {
  return openStore('channel', store, () => open(store));
}

async function open(store: StoreConfig): Promise<ChannelStore> {
  switch (store.kind) {
    case 'memory':
      return new MemoryChannelStore();
    case 'sqlite':
      return new SqliteChannelStore(store.path, store.synchronous);
    case 'postgres':
      return PostgresChannelStore.open(store.url, Math.max(2, Math.floor(store.poolSize / 2)));
  }
}
