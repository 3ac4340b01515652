import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class MessageDto {
  @ApiProperty({ example: 1764237600000123 }) id!: number;
  @ApiProperty({ example: 'general' }) channel!: string;
  @ApiProperty({ example: 'alice' }) user!: string;
  @ApiProperty({ example: 'hello' }) text!: string;
  @ApiProperty({ example: '2026-11-27T10:00:00.000Z' }) createdAt!: string;
  @ApiPropertyOptional({ example: 'c-42' }) clientMsgId?: string;
}

export class MessagePageDto {
  @ApiProperty({ type: [MessageDto], description: 'Ascending by id' }) messages!: MessageDto[];
  @ApiProperty({ description: 'Retained messages exist before the first one of this page' })
  hasOlder!: boolean;
  @ApiProperty({ description: 'Retained messages exist after the last one of this page' }) hasNewer!: boolean;
}
