import { afterAll } from '@jest/globals';
import { newSqlitePath, removeTestStores } from '../../../test/support/stores.js';
import { describeChannelStore } from './channel-store.contract.js';
import { SqliteChannelStore } from './sqlite-channel.store.js';

afterAll(removeTestStores);
describeChannelStore('SqliteChannelStore', () => Promise.resolve(new SqliteChannelStore(newSqlitePath())));
