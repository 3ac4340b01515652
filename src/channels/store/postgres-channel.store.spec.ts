import { afterAll } from '@jest/globals';
import { newPostgresSchema, removeTestStores } from '../../../test/support/stores.js';
import { describeChannelStore } from './channel-store.contract.js';
import { PostgresChannelStore } from './postgres-channel.store.js';

afterAll(removeTestStores);
describeChannelStore('PostgresChannelStore', async () =>
  PostgresChannelStore.open(await newPostgresSchema(), 2),
);
