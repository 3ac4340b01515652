import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { ChannelDirectory } from './channel-directory.js';
import { ChannelStore } from './store/channel-store.js';
import { openChannelStore } from './store/open-channel-store.js';

/** Who is in which channel: below MessagesModule, whose streams and long polls check it. */
@Module({
  imports: [AuthModule],
  providers: [
    {
      provide: ChannelStore,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => openChannelStore(config.store),
    },
    ChannelDirectory,
  ],
  exports: [ChannelDirectory],
})
export class DirectoryModule {}
