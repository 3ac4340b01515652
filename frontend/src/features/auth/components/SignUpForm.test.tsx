import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Credentials } from '../../../lib/api-client';
import { fakeApi, json, nestError } from '../../../test/fake-server';
import { renderWithQuery } from '../../../test/render';
import { SignUpForm } from './SignUpForm';

async function signUp(answer: () => Response, { password = 'correct horse battery staple' } = {}) {
  const onSignedIn = vi.fn();
  const onBack = vi.fn();
  const calls: { path: string; init: RequestInit }[] = [];
  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ path: input instanceof Request ? input.url : String(input), init });
    return answer();
  };
  const createClient = (credentials: Credentials) =>
    fakeApi(
      () => json({ username: credentials.username, displayName: 'Dana Scully', role: 'user' }),
      credentials.username,
    ).api;
  renderWithQuery(
    <SignUpForm onSignedIn={onSignedIn} onBack={onBack} fetch={fetchFn} createClient={createClient} />,
  );
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Username'), 'Dana');
  await user.type(screen.getByLabelText('Display name'), 'Dana Scully');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Create the account' }));
  return { onSignedIn, onBack, calls, user };
}

describe('SignUpForm', () => {
  it('says when sign-up is closed (403)', async () => {
    const { calls } = await signUp(() => nestError(403, 'sign-up is closed'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Sign-up is closed on this server.');
    expect(calls[0]?.path).toBe('/api/signup');
    expect(JSON.parse(calls[0]?.init.body as string)).toEqual({
      username: 'dana',
      displayName: 'Dana Scully',
      password: 'correct horse battery staple',
    });
    expect(new Headers(calls[0]?.init.headers).get('Authorization')).toBeNull();
  });

  it('gives the server’s reason for a weak password (400)', async () => {
    await signUp(() => nestError(400, 'password is too weak: this is a top-10 common password'));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Password is too weak: this is a top-10 common password.',
    );
  });

  it('says a taken username is taken (409)', async () => {
    await signUp(() => nestError(409, 'username is taken'));
    expect(await screen.findByRole('alert')).toHaveTextContent('That username is taken.');
  });

  it('refuses a short password without asking the server', async () => {
    const { calls } = await signUp(() => json({}), { password: 'short' });
    expect(screen.getByRole('alert')).toHaveTextContent('at least 8 characters');
    expect(calls).toHaveLength(0);
  });

  it('says the account awaits approval when it is pending, and goes back with the username', async () => {
    const { onSignedIn, onBack, user } = await signUp(() =>
      json({ username: 'dana', displayName: 'Dana Scully', status: 'pending' }, 201),
    );
    expect(await screen.findByText(/Your account awaits approval/)).toBeInTheDocument();
    expect(onSignedIn).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Back to sign in' }));
    expect(onBack).toHaveBeenCalledWith('dana');
  });

  it('signs in at once when the account is active', async () => {
    const { onSignedIn } = await signUp(() =>
      json({ username: 'dana', displayName: 'Dana Scully', status: 'active' }, 201),
    );
    await vi.waitFor(() =>
      expect(onSignedIn).toHaveBeenCalledWith(
        { username: 'dana', password: 'correct horse battery staple' },
        { username: 'dana', displayName: 'Dana Scully', role: 'user' },
        false,
      ),
    );
  });
});
