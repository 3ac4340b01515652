import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { authOf, basic, freshAddress, PASSWORDS, type RunningServer, send, startServer } from './harness.js';

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

describe('attack: crafted Authorization headers against the real server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  }, 40_000);
  afterAll(() => server?.stop());

  const me = (headers: Record<string, string>) =>
    send(`${server.base}/api/me`, { headers, localAddress: freshAddress() });

  it('does not authenticate `alice:alice-password:junk` as alice with the password alice-password', async () => {
    // The right credentials first, so that a cache keyed on a prefix of the header would also let the junk in.
    expect((await me({ Authorization: authOf('alice') })).status).toBe(200);
    const res = await me({ Authorization: basic('alice', `${PASSWORDS.alice}:junk`) });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="chat"');
  });

  it('splits at the first colon only: dave with `pa:ss:word` logs in, `pa` and `pa:ss` do not', async () => {
    expect((await me({ Authorization: basic('dave', 'pa:ss:word') })).status).toBe(200);
    expect((await me({ Authorization: basic('dave', 'pa') })).status).toBe(401);
    expect((await me({ Authorization: basic('dave', 'pa:ss') })).status).toBe(401);
  });

  it.each([
    ['not base64', 'Basic !!!not-base64!!!'],
    ['the bare scheme', 'Basic'],
    ['empty credentials', 'Basic '],
    ['no colon', `Basic ${b64('alice')}`],
    ['an empty username', `Basic ${b64(`:${PASSWORDS.alice}`)}`],
    ['junk after valid base64', `Basic ${b64(`alice:${PASSWORDS.alice}`)}@@`],
    ['another scheme', `Bearer ${b64(`alice:${PASSWORDS.alice}`)}`],
    ['invalid UTF-8', `Basic ${b64(Buffer.from([0xff, 0xfe, 0x3a, 0xc3, 0x28]))}`],
    ['12 000 base64 characters', `Basic ${'QUFB'.repeat(3000)}`],
  ])('answers a header with %s with 401 in the JSON error shape', async (_name, header) => {
    const res = await me({ Authorization: header });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="chat"');
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('authenticates by header only: a login sets no cookie and a cookie alone gets 401 (no CSRF)', async () => {
    const login = await me({ Authorization: authOf('bob') });
    expect(login.status).toBe(200);
    expect(login.headers['set-cookie']).toBeUndefined();
    const cookieOnly = await send(`${server.base}/api/messages`, {
      method: 'POST',
      headers: {
        Cookie: 'session=anything',
        'Content-Type': 'application/json',
        Origin: 'https://evil.example',
      },
      body: JSON.stringify({ text: 'forged' }),
      localAddress: freshAddress(),
    });
    expect(cookieOnly.status).toBe(401);
  });
});
