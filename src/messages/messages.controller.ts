import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { User } from '../auth/users-file.js';
import { CreateMessageDto } from './dto/create-message.dto.js';
import { ListMessagesQuery } from './dto/list-messages.query.js';
import { MessageDto, MessagePageDto } from './dto/message.dto.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@ApiBasicAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong credentials' })
@ApiTooManyRequestsResponse({ description: 'Rate limited; see Retry-After' })
@Controller('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @ApiCreatedResponse({ type: MessageDto, description: 'Stored' })
  @ApiOkResponse({
    type: MessageDto,
    description: 'A retry: the message stored before with this clientMsgId',
  })
  @ApiBadRequestResponse({ description: 'Malformed JSON or invalid fields' })
  @ApiPayloadTooLargeResponse({ description: 'Body over 16 KiB' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Not application/json' })
  async send(
    @CurrentUser() user: User,
    @Body() body: CreateMessageDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageDto> {
    const { message, created } = await this.messages.send(user.username, body);
    res.status(created ? 201 : 200);
    return message;
  }

  @Get()
  @ApiOkResponse({ type: MessagePageDto })
  @ApiBadRequestResponse({ description: 'Invalid or conflicting query parameters' })
  list(
    @Query() query: ListMessagesQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessagePageDto | string> {
    const { limit, before, after, wait } = query;
    if (!wait) {
      res.type('application/json');
      return this.messages.listJson({ limit, before, after });
    }
    // 'close' before the answer was written means the client went away.
    const clientGone = new AbortController();
    res.once('close', () => clientGone.abort());
    return this.messages.list({ limit, before, after, waitMs: wait * 1000 }, clientGone.signal);
  }
}
