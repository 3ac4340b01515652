import { describe, expect, it } from '@jest/globals';
import { findCredentials, removeMachine, upsertMachine } from './netrc.js';

const FILE = `# my hosts
machine example.com login me password secret
machine 127.0.0.1
  login alice
  password old-password

macdef init
cd /pub
machine fake login x password y

default login anonymous password guest
`;

describe('netrc', () => {
  it('finds the first entry of a host, across lines, and the default entry for others', () => {
    expect(findCredentials(FILE, '127.0.0.1')).toEqual({ login: 'alice', password: 'old-password' });
    expect(findCredentials(FILE, 'example.com')).toEqual({ login: 'me', password: 'secret' });
    expect(findCredentials(FILE, 'elsewhere')).toEqual({ login: 'anonymous', password: 'guest' });
    expect(findCredentials('', 'example.com')).toBeUndefined();
  });

  it('does not read entries out of a macdef body', () => {
    expect(findCredentials(FILE, 'fake')).toEqual({ login: 'anonymous', password: 'guest' });
  });

  it("replaces only that machine's entry and keeps every other byte", () => {
    const text = upsertMachine(FILE, '127.0.0.1', { login: 'bob', password: 'new' });
    expect(text).toBe(
      FILE.replace(
        'machine 127.0.0.1\n  login alice\n  password old-password',
        'machine 127.0.0.1 login bob password new',
      ),
    );
    expect(findCredentials(text, '127.0.0.1')).toEqual({ login: 'bob', password: 'new' });
    expect(findCredentials(text, 'example.com')).toEqual({ login: 'me', password: 'secret' });
  });

  it('appends an entry for a new machine, on a line of its own', () => {
    expect(upsertMachine('', 'chat.example', { login: 'a', password: 'b' })).toBe(
      'machine chat.example login a password b\n',
    );
    expect(upsertMachine('machine x login y password z', 'h', { login: 'a', password: 'b' })).toBe(
      'machine x login y password z\nmachine h login a password b\n',
    );
  });

  it('quotes passwords with spaces, quotes, backslashes and # so that they read back exactly', () => {
    const password = 'a "b" \\c #d\te';
    const text = upsertMachine('', 'h', { login: 'alice', password });
    expect(text).toBe('machine h login alice password "a \\"b\\" \\\\c #d\\te"\n');
    expect(findCredentials(text, 'h')).toEqual({ login: 'alice', password });
    expect(findCredentials(upsertMachine('', 'h', { login: 'u', password: '' }), 'h')?.password).toBe('');
  });

  it('removes duplicate entries of the machine when replacing it', () => {
    const text = 'machine h login a password 1\nmachine g login g password g\nmachine h login b password 2\n';
    expect(upsertMachine(text, 'h', { login: 'c', password: '3' })).toBe(
      'machine h login c password 3\nmachine g login g password g\n',
    );
  });

  it('removes only that machine, with its lines', () => {
    const { text, removed } = removeMachine(FILE, '127.0.0.1');
    expect(removed).toBe(true);
    expect(text).toBe(FILE.replace('machine 127.0.0.1\n  login alice\n  password old-password\n', ''));
    expect(removeMachine(FILE, 'nowhere')).toEqual({ text: FILE, removed: false });
  });
});
