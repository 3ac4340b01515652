import { describe, expect, it } from '@jest/globals';
import { parseUsersFile, serializeUsersFile, UsersFileError, type UserRecord } from './users-file.js';

const FILE = '/etc/chat/users.json';
/** Real bcrypt hashes (cost 10) of test passwords; other costs and prefixes are made by rewriting them. */
const HASH = '$2b$10$XXdS5f0tLoAhNrBMv3wSSOgerm/xaewlARnaZO9G60/pn4H2/jla2';
const HASH_2 = '$2b$10$4Dl410KADjI3vP06809s9OHv.1RTh.SX3/MTh5Pce.ZGRT0GaKK.u';
const withCost = (cost: string, hash = HASH) => hash.replace(/^\$2b\$\d\d\$/, `$2b$${cost}$`);
const withPrefix = (prefix: string) => HASH.replace(/^\$2b\$/, prefix);

const fileOf = (users: unknown[]) => JSON.stringify({ users });
const alice = { username: 'alice', displayName: 'Alice Liddell', passwordHash: HASH };
const bob = { username: 'bob', displayName: 'Bob Builder', passwordHash: HASH_2 };

/** The UsersFileError thrown for `text`. */
function errorFor(text: string): UsersFileError {
  try {
    parseUsersFile(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(UsersFileError);
    return error as UsersFileError;
  }
  throw new Error('expected parseUsersFile to throw');
}

describe('parseUsersFile', () => {
  it('returns the users of a valid file in file order', () => {
    expect(parseUsersFile(fileOf([bob, alice]), FILE)).toEqual([bob, alice]);
  });

  it('accepts an empty users list', () => {
    expect(parseUsersFile(fileOf([]), FILE)).toEqual([]);
  });

  it('defaults displayName to the username', () => {
    expect(parseUsersFile(fileOf([{ username: 'carol', passwordHash: HASH }]), FILE)).toEqual([
      { username: 'carol', displayName: 'carol', passwordHash: HASH },
    ]);
  });

  it('ignores unknown fields of an entry', () => {
    const [user] = parseUsersFile(fileOf([{ ...alice, team: 'red' }]), FILE);
    expect(user).toEqual(alice);
  });

  it.each(['admin', 'user'] as const)('keeps a role of %s', (role) => {
    expect(parseUsersFile(fileOf([{ ...alice, role }]), FILE)).toEqual([{ ...alice, role }]);
  });

  it('leaves role out when the entry has none (a user)', () => {
    expect(parseUsersFile(fileOf([alice]), FILE)[0]).not.toHaveProperty('role');
  });

  it('writes back the roles it read, and none where the file had none', () => {
    const users = parseUsersFile(fileOf([{ ...alice, role: 'admin' }, bob]), FILE);
    expect(parseUsersFile(serializeUsersFile(users), FILE)).toEqual([{ ...alice, role: 'admin' }, bob]);
  });

  it.each([
    ['$2a$', withPrefix('$2a$')],
    ['$2b$', HASH],
    ['$2y$', withPrefix('$2y$')],
  ])('accepts a %s bcrypt hash', (_prefix, passwordHash) => {
    expect(parseUsersFile(fileOf([{ ...alice, passwordHash }]), FILE)[0].passwordHash).toBe(passwordHash);
  });

  it.each(['10', '12', '31'])('accepts cost %s', (cost) => {
    expect(parseUsersFile(fileOf([{ ...alice, passwordHash: withCost(cost) }]), FILE)).toHaveLength(1);
  });

  it.each([
    ['a', 'a'],
    ['digits and punctuation', 'u.s_e-r9'],
    ['32 characters', 'a'.repeat(32)],
  ])('accepts a username of %s', (_name, username) => {
    expect(parseUsersFile(fileOf([{ ...alice, username }]), FILE)[0].username).toBe(username);
  });

  it('survives a serialize/parse round trip', () => {
    const users: UserRecord[] = [alice, bob];
    expect(parseUsersFile(serializeUsersFile(users), FILE)).toEqual(users);
  });

  describe('rejects a file', () => {
    it('that is not JSON, naming the file', () => {
      const error = errorFor('{"users": [');
      expect(error.message).toContain(FILE);
      expect(error.message).toMatch(/not valid JSON/);
    });

    it.each([
      ['an array', '[]'],
      ['null', 'null'],
      ['a string', '"users"'],
      ['an object without users', '{}'],
      ['an object whose users is not an array', '{"users": {"alice": {}}}'],
    ])('that is %s, saying a users array is needed', (_name, text) => {
      const error = errorFor(text);
      expect(error.message).toContain(FILE);
      expect(error.message).toContain('"users" array');
    });
  });

  describe('rejects an entry, naming the file, its index, its username and the field', () => {
    /** Asserts the message names the file, `entry <index>`, the quoted username and the field. */
    function expectNamed(users: unknown[], index: number, name: string, field: string, problem: RegExp) {
      const { message } = errorFor(fileOf(users));
      expect(message).toContain(FILE);
      expect(message).toContain(`entry ${index} ("${name}")`);
      expect(message).toContain(`: ${field} `);
      expect(message).toMatch(problem);
    }

    it.each([
      ['upper case', 'Alice'],
      ['a space', 'al ice'],
      ['a leading dot', '.alice'],
      ['33 characters', 'a'.repeat(33)],
      ['non-ASCII letters', 'zoë'],
      ['the empty string', ''],
    ])('whose username has %s', (_name, username) => {
      expectNamed([alice, { ...bob, username }], 1, username, 'username', /must match/);
    });

    it.each([
      ['an unknown role', 'owner'],
      ['upper case', 'Admin'],
      ['a number', 1],
      ['null', null],
    ])('whose role is %s', (_name, role) => {
      expectNamed([alice, { ...bob, role }], 1, 'bob', 'role', /must be "admin" or "user"/);
    });

    it('whose username is not a string', () => {
      expectNamed([alice, { ...bob, username: 42 }], 1, '?', 'username', /must match/);
    });

    it('whose username is missing', () => {
      expectNamed([{ passwordHash: HASH }], 0, '?', 'username', /must match/);
    });

    it('whose username is a duplicate', () => {
      expectNamed([alice, bob, { ...alice, displayName: 'Other' }], 2, 'alice', 'username', /duplicate/);
    });

    it.each([
      ['empty', ''],
      ['only whitespace', '  \t '],
      ['a number', 7],
      ['null', null],
      ['over 100 characters', 'x'.repeat(101)],
    ])('whose displayName is %s', (_name, displayName) => {
      expectNamed([alice, { ...bob, displayName }], 1, 'bob', 'displayName', /./);
    });

    it('accepts a displayName of exactly 100 characters', () => {
      const displayName = 'x'.repeat(100);
      expect(parseUsersFile(fileOf([{ ...alice, displayName }]), FILE)[0].displayName).toBe(displayName);
    });

    it.each([
      ['missing', undefined],
      ['a number', 12],
      ['plain text', 'alice-password'],
      ['an argon2 hash', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA'],
      ['an unknown bcrypt prefix', withPrefix('$2x$')],
      ['truncated', HASH.slice(0, -1)],
      ['too long', `${HASH}A`],
      ['with a character outside the bcrypt alphabet', `${HASH.slice(0, -1)}+`],
      ['with a one-digit cost', HASH.replace('$10$', '$9$')],
    ])('whose passwordHash is %s', (_name, passwordHash) => {
      expectNamed([alice, { ...bob, passwordHash }], 1, 'bob', 'passwordHash', /must be a bcrypt hash/);
    });

    it.each(['04', '09'])('whose passwordHash has cost %s, below 10', (cost) => {
      const { message } = errorFor(fileOf([alice, { ...bob, passwordHash: withCost(cost, HASH_2) }]));
      expect(message).toContain(`entry 1 ("bob"): passwordHash has cost ${cost}`);
      expect(message).toContain('at least 10');
    });

    // BUG (users-file.ts, BCRYPT_PATTERN/cost check): any two-digit cost passes, but bcrypt's costs end at 31.
    // A hash with cost 32..99 is accepted, that user can never log in (bcrypt.compare answers false), and
    // AuthService.onModuleInit hashes its dummy at Math.max(10, ...costs) = 99, which bcrypt clamps to 31:
    // hours of CPU before the server starts. Expected: 'entry 1 ("bob"): passwordHash has cost 32 ...'.
    it.each(['32', '99'])('whose passwordHash has cost %s, above the bcrypt maximum of 31', (cost) => {
      const { message } = errorFor(fileOf([alice, { ...bob, passwordHash: withCost(cost, HASH_2) }]));
      expect(message).toContain('entry 1 ("bob"): passwordHash');
    });

    it.each([
      ['null', null],
      ['a string', 'alice'],
      ['an array', [alice]],
    ])('that is %s rather than an object', (_name, entry) => {
      expectNamed([alice, entry], 1, '?', 'entry', /must be an object/);
    });

    it('reporting the first problem in file order', () => {
      const { message } = errorFor(fileOf([alice, { ...bob, passwordHash: 'x' }, { username: 'Bad' }]));
      expect(message).toContain('entry 1 ("bob")');
    });
  });
});
