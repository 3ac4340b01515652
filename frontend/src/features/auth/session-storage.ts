import type { Credentials } from '../../lib/api-client';

const KEY = 'chat.credentials';

/** Credentials kept for this tab only ("stay signed in on this tab"); gone when the tab closes. */
export function loadStoredCredentials(): Credentials | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Partial<Credentials> | null;
    if (typeof value?.username === 'string' && typeof value.password === 'string') {
      return { username: value.username, password: value.password };
    }
  } catch {
    // Storage blocked or a value this page did not write: start signed out.
  }
  return undefined;
}

export function storeCredentials(credentials: Credentials): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(credentials));
  } catch {
    // Storage blocked: the session lasts until reload, as without the box ticked.
  }
}

export function forgetCredentials(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored then.
  }
}
