import { Body, Controller, Get, Patch } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser } from './current-user.decorator.js';
import { UpdateMeDto } from './dto/update-me.dto.js';
import { MeDto, UserListDto } from './dto/user.dto.js';
import { ProfileService } from './profile.service.js';
import type { User } from './users-file.js';
import { UsersRepository } from './users.repository.js';

@ApiTags('users')
@ApiBasicAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong credentials' })
@ApiForbiddenResponse({ description: 'The account awaits approval' })
@Controller()
export class UsersController {
  constructor(
    private readonly users: UsersRepository,
    private readonly profile: ProfileService,
  ) {}

  @Get('me')
  @ApiOkResponse({ type: MeDto, description: 'The authenticated user' })
  me(@CurrentUser() user: User): MeDto {
    return this.profile.me(user.username);
  }

  @Patch('me')
  @ApiOkResponse({ type: MeDto, description: 'Changed; a new password replaces the old one at once' })
  @ApiBadRequestResponse({ description: 'Invalid fields, or the new password is too weak' })
  @ApiForbiddenResponse({
    description: 'currentPassword is wrong, or the account is managed in the user file',
  })
  @ApiTooManyRequestsResponse({ description: 'Too many password checks at once; see Retry-After' })
  update(@CurrentUser() user: User, @Body() body: UpdateMeDto): Promise<MeDto> {
    return this.profile.update(user.username, body);
  }

  @Get('users')
  @ApiOkResponse({ type: UserListDto, description: 'Every active user, sorted by username' })
  list(): UserListDto {
    return { users: [...this.users.list()] };
  }
}
