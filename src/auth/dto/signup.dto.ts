import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { USERNAME_PATTERN } from '../users-file.js';
import { DisplayNameRules, NewPasswordRules } from './account-fields.js';

export class SignupDto {
  @ApiProperty({ pattern: USERNAME_PATTERN.source, example: 'erin' })
  @Matches(USERNAME_PATTERN, { message: `username must match ${USERNAME_PATTERN.source}` })
  @IsString()
  username!: string;

  @ApiProperty({
    description: '8..72 bytes in UTF-8 (bcrypt reads no more), and not weak: a zxcvbn score of 3 or more',
    example: 'blue-Harbor-Quietly-47',
  })
  @NewPasswordRules()
  password!: string;

  @ApiProperty({ description: '1..64 characters', example: 'Erin Example' })
  @DisplayNameRules()
  displayName!: string;
}
