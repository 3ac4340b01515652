import { ApiProperty } from '@nestjs/swagger';

export class SignupResultDto {
  @ApiProperty({ example: 'erin' }) username!: string;
  @ApiProperty({ example: 'Erin Example' }) displayName!: string;
  @ApiProperty({
    enum: ['active', 'pending'],
    description: '`pending` until an admin approves it (SIGNUP=approval)',
    example: 'active',
  })
  status!: 'active' | 'pending';
}

export class PendingSignupDto {
  @ApiProperty({ example: 'erin' }) username!: string;
  @ApiProperty({ example: 'Erin Example' }) displayName!: string;
  @ApiProperty({ example: '2026-11-27T10:00:00.000Z' }) requestedAt!: string;
}

export class PendingSignupListDto {
  @ApiProperty({ type: [PendingSignupDto], description: 'Oldest first; at most 1000' })
  signups!: PendingSignupDto[];
}
