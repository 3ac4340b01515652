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
import { GENERAL } from './message.js';
import { ListMessagesQuery } from './dto/list-messages.query.js';
import { MessageDto, MessagePageDto } from './dto/message.dto.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@ApiBasicAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong credentials' })
@ApiTooManyRequestsResponse({ description: 'Rate limited; see Retry-After' })
/** The messages of `general` (API.md, /api/messages); other channels are under /api/channels/:name/messages. */
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
    return sendMessage(this.messages, user.username, GENERAL, body, res);
  }

  @Get()
  @ApiOkResponse({ type: MessagePageDto })
  @ApiBadRequestResponse({ description: 'Invalid or conflicting query parameters' })
  list(
    @Query() query: ListMessagesQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessagePageDto | string> {
    return listMessages(this.messages, GENERAL, query, res);
  }
}

/** POST of a message to `channel` (access checked by the caller): 201, or 200 for a retry. */
export async function sendMessage(
  messages: MessagesService,
  username: string,
  channel: string,
  body: CreateMessageDto,
  res: Response,
): Promise<MessageDto> {
  const { message, created } = await messages.send(username, channel, body);
  res.status(created ? 201 : 200);
  return message;
}

/** GET of a page of `channel` (access checked by the caller); held while `wait` asks for it. */
export function listMessages(
  messages: MessagesService,
  channel: string,
  query: ListMessagesQuery,
  res: Response,
): Promise<MessagePageDto | string> {
  const { limit, before, after, wait } = query;
  if (!wait) {
    res.type('application/json');
    return messages.listJson(channel, { limit, before, after });
  }
  // 'close' before the answer was written means the client went away.
  const clientGone = new AbortController();
  res.once('close', () => clientGone.abort());
  return messages.list(channel, { limit, before, after, waitMs: wait * 1000 }, clientGone.signal);
}
