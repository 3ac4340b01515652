import { MemoryUserStore } from './memory-user.store.js';
import { describeUserStore } from './user-store.contract.js';

describeUserStore('MemoryUserStore', () => Promise.resolve(new MemoryUserStore()));
