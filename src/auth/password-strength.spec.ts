import { afterAll, describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { MAX_QUEUED_CHECKS, PasswordStrength } from './password-strength.js';

const strength = new PasswordStrength();
afterAll(() => strength.onModuleDestroy());

async function refusal(password: string, userInputs: string[] = []): Promise<DomainError> {
  try {
    await strength.assertStrong(password, userInputs);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error(`expected "${password}" to be refused`);
}

describe('PasswordStrength', () => {
  it.each([
    ['a heavily used password', 'password', 'This is a heavily used password.'],
    ['a common password with digits', 'password123', 'This is a commonly used password.'],
    ['a repeated character', 'aaaaaaaaaaaa', 'Repeated characters like "aaa" are easy to guess.'],
  ])('refuses %s with bad_request saying why', async (_name, password, why) => {
    const error = await refusal(password);
    expect(error.code).toBe('bad_request');
    expect(error.message).toBe(`password is too weak: ${why}`);
  });

  it.each(['correct horse battery staple', 'blue-Harbor-Quietly-47', 'pässwörd-密码-🔑-Lighthouse'])(
    'accepts %s',
    async (password) => {
      await expect(strength.assertStrong(password, [])).resolves.toBeUndefined();
    },
  );

  it('counts the user inputs (username, display name) as guessable', async () => {
    const password = 'wumbletrox99';
    await expect(strength.assertStrong(password, [])).resolves.toBeUndefined();
    const error = await refusal(password, ['wumbletrox', 'Wumble Trox']);
    expect(error.message).toBe(
      'password is too weak: There should not be any personal or page related data.',
    );
  });

  it('checks the longest password (72 bytes) without holding the event loop', async () => {
    const password = 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1v2w3x4y5z6a7b8c9d0e1f2g3h4i5j6';
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      await strength.assertStrong(password, []);
    } finally {
      clearInterval(timer);
    }
    // The interval kept firing while the worker computed; on the loop it would fire once at most.
    expect(ticks).toBeGreaterThan(1);
  });

  it(`refuses more than ${MAX_QUEUED_CHECKS} checks at once with rate_limited, and answers the others`, async () => {
    const checks = Array.from({ length: MAX_QUEUED_CHECKS + 1 }, (_, i) =>
      strength.assertStrong(`correct horse battery staple ${i}`, []),
    );
    const results = await Promise.allSettled(checks);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(MAX_QUEUED_CHECKS);
    expect(results.at(-1)).toEqual({
      status: 'rejected',
      reason: expect.objectContaining({ code: 'rate_limited', retryAfterMs: 1000 }),
    });
  });
});
