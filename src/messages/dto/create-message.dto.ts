import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsOptional,
  IsString,
  Length,
  Matches,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';

export const MAX_TEXT_CODE_POINTS = 4000;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*$/;

/** At most `max` Unicode code points, so that an emoji counts as one character. */
function MaxCodePoints(max: number, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'maxCodePoints',
      target: target.constructor,
      propertyName,
      options: { message: `$property must be at most ${max} characters`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && [...value].length <= max,
      },
    });
}

// Validators run from the property upwards and the first failure is reported: the type check sits lowest.
export class CreateMessageDto {
  @ApiProperty({
    description: '1..4000 Unicode code points, not only whitespace, no control characters but \\n and \\t',
    example: 'hello',
  })
  @Matches(NO_CONTROL_CHARACTERS, {
    message: 'text must not contain control characters other than \\n and \\t',
  })
  @MaxCodePoints(MAX_TEXT_CODE_POINTS)
  @Matches(/\S/, { message: 'text must not be empty or only whitespace' })
  @IsString()
  text!: string;

  @ApiPropertyOptional({
    description: 'Makes retries safe: a repeat returns the original message',
    example: 'c-42',
  })
  @Matches(NO_CONTROL_CHARACTERS, { message: 'clientMsgId must not contain control characters' })
  @Length(1, 64)
  @IsString()
  @IsOptional()
  clientMsgId?: string;
}
