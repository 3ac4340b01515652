export const ROLES = ['admin', 'user'] as const;
/** What a user may do beyond chatting: admins approve sign-ups (and manage every channel). */
export type Role = (typeof ROLES)[number];

/** A user as the user file stores it; `role` only when the file gives one (the default is `user`). */
export interface UserRecord {
  username: string;
  displayName: string;
  passwordHash: string;
  role?: Role;
}

/** A user as the API shows it. */
export interface User {
  username: string;
  displayName: string;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const BCRYPT_PATTERN = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
export const MIN_BCRYPT_COST = 10;
const MAX_BCRYPT_COST = 31;

export class UsersFileError extends Error {
  override readonly name = 'UsersFileError';
}

/**
 * Parses and validates the text of a user file (API.md, users.json). Throws a UsersFileError naming the file,
 * the entry (index and username) and the field at the first problem.
 */
export function parseUsersFile(text: string, file: string): UserRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsersFileError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const users = (data as { users?: unknown } | null)?.users;
  if (typeof data !== 'object' || data === null || !Array.isArray(users)) {
    throw new UsersFileError(`${file}: must be an object with a "users" array`);
  }
  const seen = new Set<string>();
  return users.map((entry: unknown, index) => {
    const record = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const name = typeof record.username === 'string' ? record.username : '?';
    const fail = (field: string, problem: string) =>
      new UsersFileError(`${file}: entry ${index} ("${name}"): ${field} ${problem}`);

    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw fail('entry', 'must be an object');
    const { username, displayName, passwordHash, role } = record;
    if (typeof username !== 'string' || !USERNAME_PATTERN.test(username)) {
      throw fail('username', `must match ${USERNAME_PATTERN.source}`);
    }
    if (seen.has(username)) throw fail('username', 'is a duplicate');
    seen.add(username);
    if (displayName !== undefined && (typeof displayName !== 'string' || displayName.trim() === '')) {
      throw fail('displayName', 'must be a non-empty string');
    }
    if (typeof displayName === 'string' && displayName.length > 100)
      throw fail('displayName', 'is over 100 characters');
    const cost = typeof passwordHash === 'string' ? BCRYPT_PATTERN.exec(passwordHash)?.[1] : undefined;
    if (typeof passwordHash !== 'string' || cost === undefined) {
      throw fail('passwordHash', 'must be a bcrypt hash ($2a$, $2b$ or $2y$)');
    }
    if (Number(cost) < MIN_BCRYPT_COST)
      throw fail('passwordHash', `has cost ${cost}; at least ${MIN_BCRYPT_COST} is required`);
    if (Number(cost) > MAX_BCRYPT_COST) {
      throw fail('passwordHash', `has cost ${cost}; bcrypt allows at most ${MAX_BCRYPT_COST}`);
    }
    if (role !== undefined && !ROLES.includes(role as Role)) throw fail('role', 'must be "admin" or "user"');
    return {
      username,
      displayName: displayName ?? username,
      passwordHash,
      ...(role !== undefined && { role: role as Role }),
    };
  });
}

export function serializeUsersFile(users: UserRecord[]): string {
  return JSON.stringify({ users }, null, 2) + '\n';
}
