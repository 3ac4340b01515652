import { describe, expect, it, vi } from 'vitest';
import { json, nestError } from '../test/fake-server';
import { ApiClient, ApiError, basicAuthorization, parseRetryAfter, postWithoutAuth } from './api-client';

describe('ApiClient', () => {
  it('sends Basic auth over UTF-8 and X-Requested-With on every call', async () => {
    const fetchFn = vi.fn(async () => json({ ok: true }));
    const api = new ApiClient({ username: 'zoe', password: 'pässwörd:🔑' }, { fetch: fetchFn });
    await api.get('/api/me');
    await api.post('/api/messages', { text: 'hi' });
    for (const [, init] of fetchFn.mock.calls as unknown as [string, RequestInit][]) {
      const headers = new Headers(init.headers);
      expect(headers.get('X-Requested-With')).toBe('XMLHttpRequest');
      expect(headers.get('Authorization')).toBe(
        basicAuthorization({ username: 'zoe', password: 'pässwörd:🔑' }),
      );
    }
    const encoded = basicAuthorization({ username: 'zoe', password: 'pässwörd:🔑' }).slice('Basic '.length);
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
    expect(decoded).toBe('zoe:pässwörd:🔑');
  });

  it('turns the error shape into an ApiError, with a list message and Retry-After', async () => {
    const api = new ApiClient(
      { username: 'a', password: 'b' },
      {
        fetch: async () => nestError(429, ['Sending too fast', 'slow down'], { 'Retry-After': '7' }),
      },
    );
    const error = await api.get('/api/messages').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 429,
      messages: ['Sending too fast', 'slow down'],
      retryAfterSeconds: 7,
    });
    expect((error as ApiError).message).toBe('Sending too fast; slow down');
  });

  it('tells the app about a 401 and reports an unreachable server as status 0', async () => {
    const onUnauthorized = vi.fn();
    const unauthorized = new ApiClient(
      { username: 'a', password: 'b' },
      { onUnauthorized, fetch: async () => nestError(401, 'Missing or invalid credentials') },
    );
    await expect(unauthorized.get('/api/me')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();

    const down = new ApiClient(
      { username: 'a', password: 'b' },
      { fetch: () => Promise.reject(new TypeError('x')) },
    );
    await expect(down.get('/api/me')).rejects.toMatchObject({
      status: 0,
      message: 'Cannot reach the server',
    });
  });

  it('answers undefined for 204 No Content and sends DELETE', async () => {
    const fetchFn = vi.fn(async () => new Response(null, { status: 204 }));
    const api = new ApiClient({ username: 'a', password: 'b' }, { fetch: fetchFn });
    await expect(api.post('/api/channels/design/leave', {})).resolves.toBeUndefined();
    await expect(api.delete('/api/channels/design/members/bob')).resolves.toBeUndefined();
    const [path, init] = fetchFn.mock.calls[1] as unknown as [string, RequestInit];
    expect(path).toBe('/api/channels/design/members/bob');
    expect(init.method).toBe('DELETE');
  });

  it('posts without credentials where none are needed, with the same error shape', async () => {
    const fetchFn = vi.fn(async () => nestError(403, 'sign-up is closed'));
    const error = await postWithoutAuth('/api/signup', { username: 'x' }, fetchFn).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, message: 'sign-up is closed' });
    const [, init] = fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    const headers = new Headers(init.headers);
    expect(headers.get('Authorization')).toBeNull();
    expect(headers.get('X-Requested-With')).toBe('XMLHttpRequest');
    expect(init.body).toBe('{"username":"x"}');
  });

  it('parses Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:30 GMT', Date.parse('2026-11-27T10:00:00Z'))).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
