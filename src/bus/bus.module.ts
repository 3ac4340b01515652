import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { Bus, LocalBus } from './bus.js';
import { PostgresBus } from './postgres-bus.js';

async function openBus(config: AppConfig): Promise<Bus> {
  if (config.bus === 'none') return new LocalBus();
  if (config.bus === 'postgres') {
    if (config.store.kind !== 'postgres') throw new Error('BUS=postgres needs a PostgreSQL STORE');
    return PostgresBus.open(config.store.url);
  }
  throw new Error(`BUS=${config.bus} is not available`);
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
