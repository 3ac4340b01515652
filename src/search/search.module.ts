import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { DirectoryModule } from '../channels/directory.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { SearchController } from './search.controller.js';
import { SearchService } from './search.service.js';

/** GET /api/search. */
@Module({
  imports: [AuthModule, DirectoryModule, MessagesModule],
  controllers: [SearchController],
  providers: [SearchService],
})
export class SearchModule {}
