/**
 * ~/.netrc in the format curl reads: `machine <host> login <user> password <password>` entries, tokens separated by
 * white space, `"quoted"` tokens with `\"`, `\\`, `\n`, `\r` and `\t` escapes (curl ≥ 7.84), `#` comments, a
 * `default` entry and `macdef` blocks (which run to the next blank line). Editing one machine's entry leaves every
 * other byte of the file as it was.
 */

interface Token {
  value: string;
  start: number;
  end: number;
}

interface Entry {
  /** null for `default`. */
  machine: string | null;
  login?: string;
  password?: string;
  start: number;
  /** Just after the entry's last token. */
  end: number;
}

export interface Credentials {
  login: string;
  password: string;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

/** Reads tokens one at a time, so that the parser can skip a `macdef` body, which is not made of tokens. */
class Tokenizer {
  private i = 0;

  constructor(private readonly text: string) {}

  next(): Token | undefined {
    const { text } = this;
    while (this.i < text.length) {
      const c = text[this.i];
      if (/\s/.test(c)) this.i++;
      else if (c === '#') while (this.i < text.length && text[this.i] !== '\n') this.i++;
      else break;
    }
    if (this.i >= text.length) return undefined;
    const start = this.i;
    if (text[start] !== '"') {
      while (this.i < text.length && !/\s/.test(text[this.i])) this.i++;
      return { value: text.slice(start, this.i), start, end: this.i };
    }
    let value = '';
    this.i++;
    while (this.i < text.length && text[this.i] !== '"') {
      if (text[this.i] === '\\' && this.i + 1 < text.length) {
        value += ESCAPES[text[this.i + 1]] ?? text[this.i + 1];
        this.i += 2;
      } else value += text[this.i++];
    }
    this.i = Math.min(this.i + 1, text.length);
    return { value, start, end: this.i };
  }

  /** Skips a macro body: everything up to the next empty line. */
  skipMacro(): void {
    const blank = /\n[ \t]*\n/g;
    blank.lastIndex = this.i;
    const found = blank.exec(this.text);
    this.i = found ? found.index + 1 : this.text.length;
  }
}

function parse(text: string): Entry[] {
  const tokens = new Tokenizer(text);
  const entries: Entry[] = [];
  let current: Entry | undefined;
  for (let token = tokens.next(); token; token = tokens.next()) {
    const { value, start } = token;
    if (value === 'machine') {
      const host = tokens.next();
      current = { machine: host?.value ?? '', start, end: host?.end ?? text.length };
      entries.push(current);
    } else if (value === 'default') {
      current = { machine: null, start, end: token.end };
      entries.push(current);
    } else if (value === 'macdef') {
      current = undefined;
      tokens.next();
      tokens.skipMacro();
    } else if (current && (value === 'login' || value === 'password' || value === 'account')) {
      const next = tokens.next();
      if (value === 'login') current.login = next?.value;
      if (value === 'password') current.password = next?.value;
      current.end = next?.end ?? text.length;
    }
  }
  return entries;
}

/** The credentials curl would use for `host`: its first `machine` entry, else the `default` one. */
export function findCredentials(text: string, host: string): Credentials | undefined {
  const entries = parse(text);
  const entry = entries.find((e) => e.machine === host) ?? entries.find((e) => e.machine === null);
  if (entry?.login === undefined || entry.password === undefined) return undefined;
  return { login: entry.login, password: entry.password };
}

/** A token as curl reads it back: quoted when it is empty or holds white space, quotes, backslashes or `#`. */
function quote(value: string): string {
  if (value !== '' && !/[\s"\\#]/.test(value)) return value;
  const escaped = value.replace(/[\\"\n\r\t]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\${c}`,
  );
  return `"${escaped}"`;
}

/** Removes `[start, end)` and, when that leaves an empty line, the line's end too. */
function cut(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd === -1 ? text.length : lineEnd);
  if (/^[ \t]*$/.test(before) && /^[ \t]*$/.test(after)) {
    return text.slice(0, lineStart) + text.slice(lineEnd === -1 ? text.length : lineEnd + 1);
  }
  return text.slice(0, start) + text.slice(end);
}

/** `text` with `host`'s entry replaced by these credentials (or one appended), other entries untouched. */
export function upsertMachine(text: string, host: string, credentials: Credentials): string {
  const line = `machine ${quote(host)} login ${quote(credentials.login)} password ${quote(credentials.password)}`;
  const [first, ...duplicates] = parse(text).filter((e) => e.machine === host);
  for (const entry of duplicates.reverse()) text = cut(text, entry.start, entry.end);
  if (first) return text.slice(0, first.start) + line + text.slice(first.end);
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}${line}\n`;
}

/** `text` without `host`'s entries; `removed` says whether there was one. */
export function removeMachine(text: string, host: string): { text: string; removed: boolean } {
  const entries = parse(text).filter((e) => e.machine === host);
  for (const entry of [...entries].reverse()) text = cut(text, entry.start, entry.end);
  return { text, removed: entries.length > 0 };
}
