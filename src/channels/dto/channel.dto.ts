import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_DM_MEMBERS } from '../channel-directory.js';

export const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,79}$/;

// Validators run from the property upwards and the first failure is reported: the type check sits lowest.
export class CreateChannelDto {
  @ApiProperty({ example: 'design', pattern: CHANNEL_NAME.source })
  @Matches(CHANNEL_NAME, {
    message: 'name must be 1..80 of a-z, 0-9, _ and -, starting with a letter or digit',
  })
  @IsString()
  name!: string;

  @ApiPropertyOptional({ example: 'Pixels and type', maxLength: 250 })
  @MaxLength(250)
  @IsString()
  @IsOptional()
  topic?: string;

  @ApiProperty({ description: 'Only members see it; owners add members' })
  @IsBoolean()
  private!: boolean;
}

export class AddMemberDto {
  @ApiProperty({ example: 'bob' }) @IsString() username!: string;
}

export class MarkReadDto {
  @ApiProperty({ example: 1764237600000123 }) @Min(0) @IsInt() lastReadId!: number;
}

export class CreateDmDto {
  @ApiProperty({ example: ['bob'], description: `The other 1..${MAX_DM_MEMBERS - 1} members` })
  @IsString({ each: true })
  @ArrayMaxSize(MAX_DM_MEMBERS)
  @ArrayMinSize(1)
  @IsArray()
  users!: string[];
}

export class ChannelDto {
  @ApiProperty({ example: 'design' }) name!: string;
  @ApiProperty({ enum: ['channel', 'dm'] }) kind!: 'channel' | 'dm';
  @ApiProperty({ example: '' }) topic!: string;
  @ApiProperty() private!: boolean;
  @ApiProperty({ description: 'Whether the user is a member' }) member!: boolean;
  @ApiPropertyOptional({ enum: ['owner', 'member'] }) role?: 'owner' | 'member';
  @ApiPropertyOptional({ description: "Messages after the member's read marker" }) unread?: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) lastMessageId?: number | null;
  @ApiPropertyOptional({ type: [String], description: "A DM's members" }) members?: string[];
}

export class ChannelListDto {
  @ApiProperty({ type: [ChannelDto] }) channels!: ChannelDto[];
}

export class MemberDto {
  @ApiProperty({ example: 'bob' }) username!: string;
  @ApiProperty({ example: 'Bob Builder' }) displayName!: string;
  @ApiProperty({ enum: ['owner', 'member'] }) role!: 'owner' | 'member';
}

export class MemberListDto {
  @ApiProperty({ type: [MemberDto] }) members!: MemberDto[];
}
