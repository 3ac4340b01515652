import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock.js';
import { Lifecycle } from './lifecycle.js';
import { OverloadMonitor } from './overload.js';

@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, OverloadMonitor, Lifecycle],
  exports: [Clock, OverloadMonitor, Lifecycle],
})
export class CommonModule {}
