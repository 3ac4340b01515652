import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Credentials } from '../../../lib/api-client';
import { fakeApi, json, nestError, type Route } from '../../../test/fake-server';
import { renderWithQuery } from '../../../test/render';
import { LoginForm } from './LoginForm';

async function signIn(route: Route, { remember = false } = {}) {
  const onSignedIn = vi.fn();
  const clients: ReturnType<typeof fakeApi>[] = [];
  const createClient = (credentials: Credentials) => {
    const client = fakeApi(route, credentials.username);
    clients.push(client);
    return client.api;
  };
  renderWithQuery(<LoginForm onSignedIn={onSignedIn} createClient={createClient} />);
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Username'), 'alice');
  await user.type(screen.getByLabelText('Password'), 'wrong');
  if (remember) await user.click(screen.getByRole('checkbox', { name: 'Stay signed in on this tab' }));
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return { onSignedIn, clients };
}

describe('LoginForm', () => {
  it('says so when the username or password is wrong', async () => {
    const { onSignedIn } = await signIn(() => nestError(401, 'Missing or invalid credentials'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password.');
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('says how long to wait after too many failed attempts', async () => {
    await signIn(() => nestError(429, 'Too many failed logins', { 'Retry-After': '95' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Too many failed sign-in attempts. Try again in 2 minutes.',
    );
  });

  it('says when the server cannot be reached', async () => {
    await signIn(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot reach the server');
  });

  it('checks the credentials with GET /api/me and hands them over', async () => {
    const me = { username: 'alice', displayName: 'Alice Liddell' };
    const { onSignedIn, clients } = await signIn(() => json(me), { remember: true });
    await vi.waitFor(() =>
      expect(onSignedIn).toHaveBeenCalledWith({ username: 'alice', password: 'wrong' }, me, true),
    );
    const request = clients[0]?.requests[0];
    expect(request?.path).toBe('/api/me');
    expect(request?.headers.get('X-Requested-With')).toBe('XMLHttpRequest');
  });

  it('offers to create an account', async () => {
    const onCreateAccount = vi.fn();
    renderWithQuery(<LoginForm onSignedIn={() => undefined} onCreateAccount={onCreateAccount} />);
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    expect(onCreateAccount).toHaveBeenCalledOnce();
  });
});
