import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/** Whether the process is shutting down: set at the signal, before anything closes, so health can say 503 at once. */
@Injectable()
export class Lifecycle implements BeforeApplicationShutdown {
  draining = false;

  beginDraining(): void {
    this.draining = true;
  }

  beforeApplicationShutdown(): void {
    this.draining = true;
  }
}
