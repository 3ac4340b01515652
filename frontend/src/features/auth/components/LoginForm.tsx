import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiClient, ApiError, type Credentials } from '../../../lib/api-client';
import { formatWait } from '../../../lib/format';
import { getMe, type Me } from '../api/get-me';
import styles from './LoginForm.module.css';

interface LoginFormProps {
  onSignedIn: (credentials: Credentials, me: Me, remember: boolean) => void;
  /** Why the person is here again (e.g. the session stopped working). */
  notice?: string;
  initialUsername?: string;
  /** Shows the sign-up form (whether sign-up is open, only the server knows: it says so when it is not). */
  onCreateAccount?: () => void;
  /** For tests: how to build the client that checks the credentials. */
  createClient?: (credentials: Credentials) => ApiClient;
}

export function loginErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Sign-in failed. Please try again.';
  if (error.status === 401) return 'Wrong username or password.';
  if (error.status === 429) {
    const wait =
      error.retryAfterSeconds === undefined ? 'later' : `in ${formatWait(error.retryAfterSeconds)}`;
    return `Too many failed sign-in attempts. Try again ${wait}.`;
  }
  if (error.status === 0) return 'Cannot reach the server. Check that it is running and try again.';
  return `Sign-in failed: ${error.message}`;
}

/** Username and password, checked with `GET /api/me` (never the browser's own login dialog). */
export function LoginForm({
  onSignedIn,
  notice,
  initialUsername = '',
  onCreateAccount,
  createClient,
}: LoginFormProps) {
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const login = useMutation({
    mutationFn: (credentials: Credentials) =>
      getMe(createClient ? createClient(credentials) : new ApiClient(credentials)),
    onSuccess: (me, credentials) => onSignedIn(credentials, me, remember),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ username: username.trim(), password });
  };

  const error = login.error ? loginErrorMessage(login.error) : undefined;

  return (
    <main className={styles.page}>
      <form className={styles.card} onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title" className={styles.title}>
          Sign in to chat
        </h1>
        {notice && !error && <p className={styles.notice}>{notice}</p>}
        <label className={styles.field}>
          Username
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            autoFocus
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className={styles.field}>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <label className={styles.remember}>
          <input type="checkbox" checked={remember} onChange={(event) => setRemember(event.target.checked)} />
          Stay signed in on this tab
        </label>
        {error && (
          <p className={styles.error} role="alert">
            {error}
          </p>
        )}
        <button type="submit" className={styles.submit} disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        {onCreateAccount && (
          <button type="button" className={styles.switch} onClick={onCreateAccount}>
            Create an account
          </button>
        )}
      </form>
    </main>
  );
}
