import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { describeStore } from '../storage/open-store.js';
import { Bus, LocalBus } from './bus.js';
import { PostgresBus } from './postgres-bus.js';
import { RedisBus } from './redis-bus.js';

async function openBus(config: AppConfig): Promise<Bus> {
  if (config.bus === 'none') return new LocalBus();
  if (config.bus === 'postgres') {
    if (config.store.kind !== 'postgres') throw new Error('BUS=postgres needs a PostgreSQL STORE');
    const store = config.store;
    return PostgresBus.open(store.url).catch((error: Error) => {
      throw new Error(`cannot open the bus on the store ${describeStore(store)}: ${error.message}`, {
        cause: error,
      });
    });
  }
  if (!config.redis) throw new Error('BUS=redis needs REDIS_URL');
  return RedisBus.open(config.redis.url, config.redis.prefix);
}

/** The bus between instances sharing the store (bus.ts), for every module that keeps a copy of shared state. */
@Global()
@Module({
  providers: [{ provide: Bus, inject: [appConfig.KEY], useFactory: openBus }],
  exports: [Bus],
})
export class BusModule implements OnApplicationShutdown {
  constructor(private readonly bus: Bus) {}

  onApplicationShutdown(): Promise<void> {
    return this.bus.close();
  }
}
