import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiClient, ApiError, type Credentials } from '../../../lib/api-client';
import { formatWait } from '../../../lib/format';
import { getMe, type Me } from '../api/get-me';
import {
  MAX_DISPLAY_NAME_LENGTH,
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD_LENGTH,
  signUp,
  USERNAME_PATTERN,
  type SignUpRequest,
} from '../api/signup';
import styles from './LoginForm.module.css';

interface SignUpFormProps {
  /** An account that is active at once signs in right away. */
  onSignedIn: (credentials: Credentials, me: Me, remember: boolean) => void;
  /** Back to the sign-in form, with the new username when there is one. */
  onBack: (username?: string) => void;
  /** For tests: the fetch of the sign-up call, and how to build the client that signs in afterwards. */
  fetch?: typeof fetch;
  createClient?: (credentials: Credentials) => ApiClient;
}

export function signUpErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Sign-up failed. Please try again.';
  if (error.status === 403) return 'Sign-up is closed on this server. Ask an admin for an account.';
  if (error.status === 409) return 'That username is taken. Choose another one.';
  if (error.status === 429) {
    const wait =
      error.retryAfterSeconds === undefined ? 'later' : `in ${formatWait(error.retryAfterSeconds)}`;
    return `Too many sign-ups from this address. Try again ${wait}.`;
  }
  if (error.status === 0) return 'Cannot reach the server. Check that it is running and try again.';
  const reason = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  return error.status === 400 ? `${reason}.` : `Sign-up failed: ${error.message}`;
}

/** What the page can tell before asking the server; the server still decides (password strength, say). */
export function checkSignUp({ username, displayName, password }: SignUpRequest): string | undefined {
  if (!USERNAME_PATTERN.test(username)) {
    return 'Usernames are 1 to 32 lowercase letters, digits, ".", "_" and "-", starting with a letter or digit.';
  }
  if (displayName.trim() === '' || [...displayName].length > MAX_DISPLAY_NAME_LENGTH) {
    return `The display name needs 1 to ${MAX_DISPLAY_NAME_LENGTH} characters.`;
  }
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) {
    return `The password can be at most ${MAX_PASSWORD_BYTES} bytes long.`;
  }
  return undefined;
}

/** `POST /api/signup`: username, display name and password; then signed in, or told to wait for approval. */
export function SignUpForm({ onSignedIn, onBack, fetch: fetchFn, createClient }: SignUpFormProps) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [pending, setPending] = useState<string>();

  const register = useMutation({
    mutationFn: async (request: SignUpRequest) => {
      const result = await signUp(request, fetchFn);
      if (result.status !== 'active') return { result };
      const credentials = { username: request.username, password: request.password };
      const me = await getMe(createClient ? createClient(credentials) : new ApiClient(credentials));
      return { result, credentials, me };
    },
    onSuccess: ({ result, credentials, me }) => {
      if (credentials && me) onSignedIn(credentials, me, false);
      else setPending(result.username);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const request = { username: username.trim(), displayName: displayName.trim(), password };
    const invalid = checkSignUp(request);
    setProblem(invalid);
    if (!invalid) register.mutate(request);
  };

  if (pending) {
    return (
      <main className={styles.page}>
        <section className={styles.card} aria-labelledby="signup-title">
          <h1 id="signup-title" className={styles.title}>
            Account requested
          </h1>
          <p className={styles.notice} role="status">
            Your account awaits approval. You can sign in as @{pending} once an admin has approved it.
          </p>
          <button type="button" className={styles.submit} onClick={() => onBack(pending)}>
            Back to sign in
          </button>
        </section>
      </main>
    );
  }

  const error = problem ?? (register.error ? signUpErrorMessage(register.error) : undefined);

  return (
    <main className={styles.page}>
      <form className={styles.card} onSubmit={submit} aria-labelledby="signup-title" noValidate>
        <h1 id="signup-title" className={styles.title}>
          Create an account
        </h1>
        <label className={styles.field}>
          Username
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            autoFocus
            maxLength={32}
            value={username}
            onChange={(event) => setUsername(event.target.value.toLowerCase())}
          />
        </label>
        <label className={styles.field}>
          Display name
          <input
            name="displayName"
            autoComplete="name"
            required
            maxLength={MAX_DISPLAY_NAME_LENGTH}
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
          />
        </label>
        <label className={styles.field}>
          Password
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {error && (
          <p className={styles.error} role="alert">
            {error}
          </p>
        )}
        <button type="submit" className={styles.submit} disabled={register.isPending}>
          {register.isPending ? 'Creating the account…' : 'Create the account'}
        </button>
        <button type="button" className={styles.switch} onClick={() => onBack()}>
          I have an account: sign in
        </button>
      </form>
    </main>
  );
}
