import { Body, Controller, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { SignupResultDto } from './dto/signup-result.dto.js';
import { SignupDto } from './dto/signup.dto.js';
import { Public } from './public.decorator.js';
import { SignupOpenGuard } from './signup-open.guard.js';
import { SignupService } from './signup.service.js';

@ApiTags('users')
@Controller('signup')
export class SignupController {
  constructor(private readonly signups: SignupService) {}

  @Public()
  @UseGuards(SignupOpenGuard)
  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({
    type: SignupResultDto,
    description: 'Created: active (SIGNUP=open) or pending until an admin approves it (SIGNUP=approval)',
  })
  @ApiBadRequestResponse({ description: 'Invalid fields, or the password is too weak' })
  @ApiForbiddenResponse({ description: 'Sign-up is closed (SIGNUP=closed)' })
  @ApiConflictResponse({ description: 'The username is taken' })
  @ApiTooManyRequestsResponse({
    description: 'Over SIGNUP_PER_ADDRESS_PER_HOUR attempts from this address; see Retry-After',
  })
  signup(@Body() body: SignupDto, @Ip() address: string): Promise<SignupResultDto> {
    return this.signups.signup(body, address);
  }
}
