import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { User } from '../auth/users-file.js';
import { SearchPageDto, SearchQueryDto } from './dto/search.dto.js';
import { SearchService } from './search.service.js';

@ApiTags('search')
@ApiBasicAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong credentials' })
@ApiTooManyRequestsResponse({ description: 'Rate limited; see Retry-After' })
@Controller('search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @ApiOkResponse({ type: SearchPageDto })
  @ApiBadRequestResponse({ description: 'A query that cannot mean anything; the message says what is wrong' })
  find(@CurrentUser() user: User, @Query() query: SearchQueryDto): Promise<SearchPageDto> {
    return this.search.search(user.username, query);
  }
}
