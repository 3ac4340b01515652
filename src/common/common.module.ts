import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock.js';
import { OverloadMonitor } from './overload.js';

@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, OverloadMonitor],
  exports: [Clock, OverloadMonitor],
})
export class CommonModule {}
