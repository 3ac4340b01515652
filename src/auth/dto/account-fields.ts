import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, registerDecorator, type ValidationOptions } from 'class-validator';

export const DISPLAY_NAME_MAX = 64;
/** bcrypt reads at most 72 bytes of a password; a longer one would be cut without a word. */
export const PASSWORD_MIN_BYTES = 8;
export const PASSWORD_MAX_BYTES = 72;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001F\u007F-\u009F]*$/;

/** A string of `min..max` Unicode code points, so that an emoji counts as one character. */
function CodePointLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'codePointLength',
      target: target.constructor,
      propertyName: String(propertyKey),
      options: { message: `$property must be ${min}..${max} characters`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && [...value].length >= min && [...value].length <= max,
      },
    });
}

/** A string of `min..max` bytes in UTF-8. */
export function Utf8Length(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'utf8Length',
      target: target.constructor,
      propertyName: String(propertyKey),
      options: { message: `$property must be ${min}..${max} bytes in UTF-8`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          Buffer.byteLength(value, 'utf8') >= min &&
          Buffer.byteLength(value, 'utf8') <= max,
      },
    });
}

/**
 * The rules of a display name: 1..64 characters, not only whitespace, no control characters. class-validator runs a
 * property's validators in the order they were applied and reports the first failure: the type check comes first.
 */
export const DisplayNameRules = () =>
  applyDecorators(
    IsString(),
    CodePointLength(1, DISPLAY_NAME_MAX),
    Matches(/\S/, { message: 'displayName must not be only whitespace' }),
    Matches(NO_CONTROL_CHARACTERS, { message: 'displayName must not contain control characters' }),
  );

/** The rules of a new password that a DTO can check; its strength is checked by PasswordStrength. */
export const NewPasswordRules = () =>
  applyDecorators(IsString(), Utf8Length(PASSWORD_MIN_BYTES, PASSWORD_MAX_BYTES));
