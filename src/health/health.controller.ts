import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { Lifecycle } from '../common/lifecycle.js';
import { MessageStore } from '../messages/store/message-store.js';

/** How long the store may take to answer before the instance counts as unhealthy. */
const STORE_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly lifecycle: Lifecycle,
    private readonly store: MessageStore,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'Serving', schema: { example: { status: 'ok', uptimeSeconds: 12 } } })
  @ApiServiceUnavailableResponse({
    description:
      'Shutting down, or the message store does not answer; a load balancer should drain this instance',
  })
  async check(): Promise<{ status: string; uptimeSeconds: number }> {
    if (this.lifecycle.draining) throw new ServiceUnavailableException('Shutting down');
    if (!(await this.storeAnswers())) throw new ServiceUnavailableException('Message store unavailable');
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  private async storeAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>(
      (resolve) => (timer = setTimeout(() => resolve(false), STORE_TIMEOUT_MS)),
    );
    try {
      return await Promise.race([this.store.lastId().then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
