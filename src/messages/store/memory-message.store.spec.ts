import { MemoryMessageStore } from './memory-message.store.js';
import { describeMessageStore } from './message-store.contract.js';
import { describeMessageSearch } from '../../search/message-search.contract.js';

const open = (maxMessages: number) => Promise.resolve(new MemoryMessageStore(maxMessages));

describeMessageStore('MemoryMessageStore', open);
describeMessageSearch('MemoryMessageStore', open);
