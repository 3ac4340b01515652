import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { DisplayNameRules, NewPasswordRules } from './account-fields.js';

export class UpdateMeDto {
  @ApiPropertyOptional({ description: '1..64 characters', example: 'Erin E.' })
  @DisplayNameRules()
  @IsOptional()
  displayName?: string;

  @ApiPropertyOptional({
    description: 'A new password, by the sign-up rules; the old one stops working at once',
    example: 'green-Meadow-Softly-82',
  })
  @NewPasswordRules()
  @IsOptional()
  password?: string;

  @ApiProperty({ description: 'The password in use now; required for any change' })
  @IsString()
  currentPassword!: string;
}
