import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminGuard } from './admin.guard.js';
import { CurrentUser } from './current-user.decorator.js';
import { PendingSignupListDto, SignupResultDto } from './dto/signup-result.dto.js';
import { SignupService } from './signup.service.js';
import type { User } from './users-file.js';

@ApiTags('admin')
@ApiBasicAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong credentials' })
@ApiForbiddenResponse({ description: 'Not an admin' })
@UseGuards(AdminGuard)
@Controller('admin/signups')
export class AdminSignupsController {
  constructor(private readonly signups: SignupService) {}

  @Get()
  @ApiOkResponse({ type: PendingSignupListDto, description: 'The pending sign-ups, oldest first' })
  async list(): Promise<PendingSignupListDto> {
    return { signups: await this.signups.pending() };
  }

  @Post(':username/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: SignupResultDto, description: 'Approved: the account can sign in' })
  @ApiNotFoundResponse({ description: 'No such pending sign-up' })
  approve(@CurrentUser() admin: User, @Param('username') username: string): Promise<SignupResultDto> {
    return this.signups.approve(admin.username, username);
  }

  @Post(':username/reject')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Rejected: the sign-up is deleted' })
  @ApiNotFoundResponse({ description: 'No such pending sign-up' })
  reject(@CurrentUser() admin: User, @Param('username') username: string): Promise<void> {
    return this.signups.reject(admin.username, username);
  }
}
