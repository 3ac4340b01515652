import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, registerDecorator, type ValidationArguments } from 'class-validator';

/** Decimal digits become a number; anything else stays as given, so that `@IsInt` rejects it. */
export const ToInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value,
  );

/** The property may only be given together with `other`. */
function OnlyWith(other: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'onlyWith',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} is only allowed together with ${other}` },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || (args.object as Record<string, unknown>)[other] !== undefined,
      },
    });
}

/** The property may not be given together with `other`. */
function NotWith(other: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'notWith',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} and ${other} cannot be combined` },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || (args.object as Record<string, unknown>)[other] === undefined,
      },
    });
}

// Validators run from the property upwards and the first failure is reported: the type check sits lowest.
export class ListMessagesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @Max(1000)
  @Min(1)
  @IsInt()
  @ToInt()
  limit: number = 50;

  @ApiPropertyOptional({ description: 'The newest messages with a smaller id (scroll back)' })
  @NotWith('after')
  @Max(Number.MAX_SAFE_INTEGER)
  @Min(1)
  @IsInt()
  @ToInt()
  @IsOptional()
  before?: number;

  @ApiPropertyOptional({
    description: 'The oldest messages with a greater id (catch up); 0 = from the oldest',
  })
  @Max(Number.MAX_SAFE_INTEGER)
  @Min(0)
  @IsInt()
  @ToInt()
  @IsOptional()
  after?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 30,
    description: 'Only with `after`: hold the request up to this many seconds until a newer message exists',
  })
  @OnlyWith('after')
  @Max(30)
  @Min(0)
  @IsInt()
  @ToInt()
  @IsOptional()
  wait?: number;
}
