import { MemoryMessageStore } from './memory-message.store.js';
import { describeMessageStore } from './message-store.contract.js';

describeMessageStore('MemoryMessageStore', (maxMessages) =>
  Promise.resolve(new MemoryMessageStore(maxMessages)),
);
