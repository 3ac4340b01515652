import { describe, expect, it } from '@jest/globals';
import { parseBasicAuthHeader } from './basic-auth-header.js';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

describe('parseBasicAuthHeader', () => {
  it('splits at the first colon only, so a password may contain colons', () => {
    expect(parseBasicAuthHeader(basic('alice:pa:ss:word'))).toEqual({
      username: 'alice',
      password: 'pa:ss:word',
    });
  });

  it('decodes non-ASCII credentials as UTF-8', () => {
    expect(parseBasicAuthHeader(basic('zoë:pässwörd-密码-🔑'))).toEqual({
      username: 'zoë',
      password: 'pässwörd-密码-🔑',
    });
  });

  it('keeps an empty password', () => {
    expect(parseBasicAuthHeader(basic('alice:'))).toEqual({ username: 'alice', password: '' });
  });

  it('accepts the scheme in any case', () => {
    expect(parseBasicAuthHeader(`bAsIc ${Buffer.from('a:b').toString('base64')}`)).toEqual({
      username: 'a',
      password: 'b',
    });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Bearer ${Buffer.from('a:b').toString('base64')}`],
    ['no colon', basic('alice')],
    ['an empty username', basic(':secret')],
    ['not base64', 'Basic %%%'],
    ['no credentials', 'Basic '],
  ])('rejects %s', (_name, header) => {
    expect(parseBasicAuthHeader(header)).toBeNull();
  });
});
