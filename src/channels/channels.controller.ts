import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { User } from '../auth/users-file.js';
import { UsersRepository } from '../auth/users.repository.js';
import { CreateMessageDto } from '../messages/dto/create-message.dto.js';
import { ListMessagesQuery } from '../messages/dto/list-messages.query.js';
import { MessageDto, MessagePageDto } from '../messages/dto/message.dto.js';
import { listMessages, sendMessage } from '../messages/messages.controller.js';
import { MessagesService } from '../messages/messages.service.js';
import type { ChannelRecord } from './channel.js';
import { ChannelDirectory } from './channel-directory.js';
import { channelView, type ChannelView } from './channel-view.js';
import {
  AddMemberDto,
  ChannelDto,
  ChannelListDto,
  CreateChannelDto,
  CreateDmDto,
  MarkReadDto,
  MemberDto,
  MemberListDto,
} from './dto/channel.dto.js';

/** Channels and DMs (API.md, Channels): the directory's rules, and each channel's messages through MessagesService. */
@ApiTags('channels')
@ApiBasicAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong credentials' })
@ApiNotFoundResponse({ description: 'No such channel, or a private one the user is not in' })
@Controller()
export class ChannelsController {
  constructor(
    private readonly directory: ChannelDirectory,
    private readonly messages: MessagesService,
    private readonly users: UsersRepository,
  ) {}

  @Get('channels')
  @ApiOkResponse({ type: ChannelListDto })
  async list(@CurrentUser() user: User): Promise<ChannelListDto> {
    const markers = await this.directory.readMarkers(user.username);
    const channels = await Promise.all(
      this.directory.visibleTo(user.username).map((c) => this.view(user.username, c, markers)),
    );
    const order = (c: ChannelView) => `${c.kind === 'dm' ? 1 : 0}${c.name}`;
    return { channels: channels.sort((a, b) => (order(a) < order(b) ? -1 : 1)) };
  }

  @Post('channels')
  @ApiCreatedResponse({ type: ChannelDto })
  @ApiBadRequestResponse({ description: 'Invalid name or topic' })
  @ApiConflictResponse({ description: 'The name is taken' })
  async create(@CurrentUser() user: User, @Body() body: CreateChannelDto): Promise<ChannelDto> {
    return this.view(user.username, await this.directory.create(user.username, body));
  }

  @Get('channels/:name')
  @ApiOkResponse({ type: ChannelDto })
  async get(@CurrentUser() user: User, @Param('name') name: string): Promise<ChannelDto> {
    return this.view(user.username, this.directory.find(user.username, name));
  }

  @Post('channels/:name/join')
  @HttpCode(200)
  @ApiOkResponse({ type: ChannelDto })
  @ApiForbiddenResponse({ description: 'A private channel' })
  async join(@CurrentUser() user: User, @Param('name') name: string): Promise<ChannelDto> {
    return this.view(user.username, await this.directory.join(user.username, name));
  }

  @Post('channels/:name/leave')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Left' })
  @ApiBadRequestResponse({ description: 'general and DMs cannot be left' })
  async leave(@CurrentUser() user: User, @Param('name') name: string): Promise<void> {
    await this.directory.leave(user.username, name);
  }

  @Get('channels/:name/members')
  @ApiOkResponse({ type: MemberListDto })
  members(@CurrentUser() user: User, @Param('name') name: string): MemberListDto {
    this.directory.find(user.username, name);
    return { members: this.directory.membersOf(name).map((m) => this.member(m.username, m.role)) };
  }

  @Post('channels/:name/members')
  @ApiCreatedResponse({ type: MemberDto })
  @ApiForbiddenResponse({ description: "Only the channel's owners and admins" })
  async addMember(
    @CurrentUser() user: User,
    @Param('name') name: string,
    @Body() body: AddMemberDto,
  ): Promise<MemberDto> {
    const { username, role } = await this.directory.addMember(user.username, name, body.username);
    return this.member(username, role);
  }

  @Delete('channels/:name/members/:username')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed; they stop receiving the channel at once' })
  @ApiForbiddenResponse({ description: "Only the channel's owners and admins" })
  async removeMember(
    @CurrentUser() user: User,
    @Param('name') name: string,
    @Param('username') username: string,
  ): Promise<void> {
    await this.directory.removeMember(user.username, name, username);
  }

  @Get('channels/:name/messages')
  @ApiOkResponse({ type: MessagePageDto })
  @ApiBadRequestResponse({ description: 'Invalid or conflicting query parameters' })
  channelMessages(
    @CurrentUser() user: User,
    @Param('name') name: string,
    @Query() query: ListMessagesQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessagePageDto | string> {
    this.directory.find(user.username, name);
    return listMessages(this.messages, name, query, res);
  }

  @Post('channels/:name/messages')
  @ApiCreatedResponse({ type: MessageDto })
  @ApiForbiddenResponse({ description: 'Not a member: join the channel first' })
  send(
    @CurrentUser() user: User,
    @Param('name') name: string,
    @Body() body: CreateMessageDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageDto> {
    this.directory.findToPost(user.username, name);
    return sendMessage(this.messages, user.username, name, body, res);
  }

  @Post('channels/:name/read')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Read marker moved (never back)' })
  async markRead(
    @CurrentUser() user: User,
    @Param('name') name: string,
    @Body() body: MarkReadDto,
  ): Promise<void> {
    await this.directory.markRead(user.username, name, body.lastReadId);
  }

  @Post('dms')
  @ApiCreatedResponse({ type: ChannelDto, description: 'A new DM' })
  @ApiOkResponse({ type: ChannelDto, description: 'The DM of this member set, found' })
  @ApiBadRequestResponse({ description: 'Fewer than 2 or more than 8 users' })
  async dm(
    @CurrentUser() user: User,
    @Body() body: CreateDmDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChannelDto> {
    const { channel, created } = await this.directory.dm(user.username, body.users);
    res.status(created ? 201 : 200);
    return this.view(user.username, channel);
  }

  /** The channel as `username` sees it: membership, role, unread count, a DM's members. */
  private async view(
    username: string,
    channel: ChannelRecord,
    markers?: Map<string, number>,
  ): Promise<ChannelView> {
    const member = this.directory.isMember(username, channel.name);
    const members =
      channel.kind === 'dm' ? { members: this.directory.membersOf(channel.name).map((m) => m.username) } : {};
    if (!member) return channelView(channel, { member, ...members });
    const lastReadId = (markers ?? (await this.directory.readMarkers(username))).get(channel.name) ?? 0;
    const { unread, lastMessageId } = await this.messages.unread(channel.name, lastReadId);
    return channelView(channel, {
      member,
      role: this.directory.roleOf(username, channel.name),
      unread,
      lastMessageId,
      ...members,
    });
  }

  private member(username: string, role: MemberDto['role']): MemberDto {
    return { username, displayName: this.users.find(username)?.displayName ?? username, role };
  }
}
