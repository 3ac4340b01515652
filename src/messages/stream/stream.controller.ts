import { BadRequestException, Controller, Get, Headers, Query, Res } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiHeader,
  ApiOkResponse,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../../auth/current-user.decorator.js';
import type { User } from '../../auth/users-file.js';
import { MessageStreamService } from './message-stream.service.js';

function parseLastEventId(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const id = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id))
    throw new BadRequestException('Last-Event-ID must be a non-negative integer id');
  return id;
}

@ApiTags('messages')
@ApiBasicAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong credentials' })
@Controller('stream')
export class StreamController {
  constructor(private readonly streams: MessageStreamService) {}

  @Get()
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this message id' })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    description: 'Resume after this id (for clients without headers)',
  })
  @ApiOkResponse({
    description: 'Server-Sent Events: `message` events, `reset` when resuming past evicted messages',
  })
  @ApiTooManyRequestsResponse({ description: 'Too many open streams for this user' })
  async stream(
    @CurrentUser() user: User,
    @Headers('last-event-id') header: string | undefined,
    @Query('lastEventId') query: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    await this.streams.open(user.username, res, parseLastEventId(header ?? query));
  }
}
