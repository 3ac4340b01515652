import type { StoreConfig } from '../config/app.config.js';

/** Opens one of the stores `STORE` names; a failure says which store, and where, without a password. */
export async function openStore<T>(what: string, store: StoreConfig, open: () => T | Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    throw new Error(`cannot open the ${what} store ${describeStore(store)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The store, without a password. */
export function describeStore(store: StoreConfig): string {
  if (store.kind !== 'postgres') return store.kind === 'sqlite' ? `sqlite:${store.path}` : 'memory';
  const url = new URL(store.url);
  return `${url.protocol}//${url.username}${url.password ? ':***' : ''}@${url.host}${url.pathname}`;
}
