import { describeChannelStore } from './channel-store.contract.js';
import { MemoryChannelStore } from './memory-channel.store.js';

describeChannelStore('MemoryChannelStore', () => Promise.resolve(new MemoryChannelStore()));
