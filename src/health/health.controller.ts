import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { Lifecycle } from '../common/lifecycle.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly lifecycle: Lifecycle) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'Serving', schema: { example: { status: 'ok', uptimeSeconds: 12 } } })
  @ApiServiceUnavailableResponse({ description: 'Shutting down; a load balancer should drain this instance' })
  check(): { status: string; uptimeSeconds: number } {
    if (this.lifecycle.draining) throw new ServiceUnavailableException('Shutting down');
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }
}
