import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../lib/api-client';
import { LoginForm } from '../features/auth/components/LoginForm';
import { SignUpForm } from '../features/auth/components/SignUpForm';
import { useSession } from '../features/auth/hooks/useSession';
import { ChatPage } from './ChatPage';

/** Client errors (4xx) will not improve by asking again; a lost connection or a 5xx may. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  const clientError = error instanceof ApiError && error.status >= 400 && error.status < 500;
  return !clientError && failureCount < 3;
}

function SessionGate() {
  const { state, signIn, signOut } = useSession();
  const [signingUp, setSigningUp] = useState(false);
  const [newUsername, setNewUsername] = useState<string>();
  if (state.status === 'restoring') return <p role="status">Signing in…</p>;
  if (state.status === 'signedOut') {
    if (signingUp) {
      return (
        <SignUpForm
          onSignedIn={(...args) => {
            setSigningUp(false);
            signIn(...args);
          }}
          onBack={(username) => {
            setNewUsername(username);
            setSigningUp(false);
          }}
        />
      );
    }
    return (
      <LoginForm
        key={newUsername}
        onSignedIn={signIn}
        notice={state.notice}
        initialUsername={newUsername ?? state.username}
        onCreateAccount={() => setSigningUp(true)}
      />
    );
  }
  return <ChatPage key={state.session.me.username} session={state.session} onSignOut={signOut} />;
}

export function App() {
  const [queryClient] = useState(
    () =>
      new QueryClient({ defaultOptions: { queries: { retry: shouldRetry }, mutations: { retry: false } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <SessionGate />
    </QueryClientProvider>
  );
}
