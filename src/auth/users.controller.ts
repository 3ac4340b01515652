import { Controller, Get } from '@nestjs/common';
import { ApiBasicAuth, ApiOkResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentUser } from './current-user.decorator.js';
import type { User } from './users-file.js';
import { UsersRepository } from './users.repository.js';

export class UserDto {
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ example: 'Alice Liddell' }) displayName!: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] }) users!: UserDto[];
}

@ApiTags('users')
@ApiBasicAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong credentials' })
@Controller()
export class UsersController {
  constructor(private readonly users: UsersRepository) {}

  @Get('me')
  @ApiOkResponse({ type: UserDto, description: 'The authenticated user' })
  me(@CurrentUser() user: User): UserDto {
    return { username: user.username, displayName: user.displayName };
  }

  @Get('users')
  @ApiOkResponse({ type: UserListDto, description: 'Every user, sorted by username' })
  list(): UserListDto {
    return { users: [...this.users.list()] };
  }
}
