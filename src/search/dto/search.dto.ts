import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ChannelDto } from '../../channels/dto/channel.dto.js';
import { ToInt } from '../../messages/dto/list-messages.query.js';
import { MessageDto } from '../../messages/dto/message.dto.js';
import { MAX_QUERY_LENGTH } from '../search-query.js';

// Validators run from the property upwards and the first failure is reported: the type check sits lowest.
export class SearchQueryDto {
  @ApiProperty({ example: 'deploy from:alice in:ops', description: 'The query language of API.md, Search' })
  @Length(1, MAX_QUERY_LENGTH)
  @IsString()
  q!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @Max(100)
  @Min(1)
  @IsInt()
  @ToInt()
  limit: number = 20;

  @ApiPropertyOptional({ description: 'Only results with a smaller id (the next page)' })
  @Max(Number.MAX_SAFE_INTEGER)
  @Min(1)
  @IsInt()
  @ToInt()
  @IsOptional()
  before?: number;
}

export class SearchResultDto {
  @ApiProperty({ type: MessageDto }) message!: MessageDto;
  @ApiProperty({ type: ChannelDto }) channel!: ChannelDto;
  @ApiProperty({
    example: [[6, 12]],
    description: 'Matched ranges of message.text: [start, end) in UTF-16 code units, sorted, not overlapping',
  })
  highlights!: [number, number][];
}

export class SearchPageDto {
  @ApiProperty({ type: [SearchResultDto], description: 'Newest first' }) results!: SearchResultDto[];
  @ApiProperty({ description: 'More results exist: ask again with before= the last id' }) hasMore!: boolean;
}
