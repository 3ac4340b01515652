import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { ChannelsController } from './channels.controller.js';
import { DirectoryModule } from './directory.module.js';

/** The /api/channels and /api/dms routes. */
@Module({
  imports: [AuthModule, DirectoryModule, MessagesModule],
  controllers: [ChannelsController],
})
export class ChannelsModule {}
