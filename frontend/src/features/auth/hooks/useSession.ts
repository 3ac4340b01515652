import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { ApiClient, ApiError, type Credentials } from '../../../lib/api-client';
import { getMe, type Me } from '../api/get-me';
import { forgetCredentials, loadStoredCredentials, storeCredentials } from '../session-storage';

export interface Session {
  api: ApiClient;
  me: Me;
}

export type SessionState =
  | { status: 'restoring'; credentials: Credentials }
  | { status: 'signedOut'; notice?: string; username?: string }
  | { status: 'signedIn'; session: Session };

const SESSION_ENDED = 'Your sign-in stopped working. Please sign in again.';

/** Who is signed in. Credentials live in memory, and in sessionStorage only when the person asked for it. */
export function useSession() {
  const queryClient = useQueryClient();
  const [state, setState] = useState<SessionState>(() => {
    const credentials = loadStoredCredentials();
    return credentials ? { status: 'restoring', credentials } : { status: 'signedOut' };
  });

  const signOut = useCallback(
    (notice?: string, username?: string) => {
      forgetCredentials();
      queryClient.clear();
      setState({ status: 'signedOut', notice, username });
    },
    [queryClient],
  );

  const signIn = useCallback(
    (credentials: Credentials, me: Me, remember: boolean) => {
      if (remember) storeCredentials(credentials);
      else forgetCredentials();
      const api = new ApiClient(credentials, {
        onUnauthorized: () => signOut(SESSION_ENDED, credentials.username),
      });
      setState({ status: 'signedIn', session: { api, me } });
    },
    [signOut],
  );

  const restoring = state.status === 'restoring' ? state.credentials : undefined;
  useEffect(() => {
    if (!restoring) return;
    const controller = new AbortController();
    getMe(new ApiClient(restoring), controller.signal).then(
      (me) => signIn(restoring, me, true),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const notice = error instanceof ApiError && error.status === 401 ? SESSION_ENDED : undefined;
        signOut(notice, restoring.username);
      },
    );
    return () => controller.abort();
  }, [restoring, signIn, signOut]);

  return { state, signIn, signOut: useCallback(() => signOut(), [signOut]) };
}
