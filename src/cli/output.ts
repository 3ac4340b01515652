import pc from 'picocolors';
import type { Channel, Message, SearchResult } from './api-client.js';
import type { Environment } from './settings.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** `json`: one JSON value per line; `tty`: aligned columns, colour unless NO_COLOR; `plain`: for pipes. */
export type OutputMode = 'json' | 'tty' | 'plain';

// Control characters (the server refuses them, but a display must not depend on that) and bidi overrides, which
// could make a message look like something else.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function sanitize(text: string): string {
  return text.replace(UNSAFE, '\uFFFD');
}

/** Columns a string takes in a terminal: wide East Asian characters and most emoji take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (/\p{Mark}|\u200D|[\uFE00-\uFE0F]/u.test(char)) continue;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x1f300 && code <= 0x1faff) ||
      (code >= 0x20000 && code <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

const USER_COLOURS = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'red'] as const;

export function outputMode(json: boolean, isTTY: boolean): OutputMode {
  return json ? 'json' : isTTY ? 'tty' : 'plain';
}

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org) or TERM=dumb; FORCE_COLOR forces it. */
export function colorsFor(mode: OutputMode, env: Environment): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const enabled = mode === 'tty' && !env.NO_COLOR && env.TERM !== 'dumb';
  return pc.createColors(mode !== 'json' && (forced || enabled));
}

/** Everything a command prints on stdout goes through here. */
export class Output {
  private userWidth = 8;
  private channelWidth = 0;
  private lastDay?: string;

  constructor(
    readonly mode: OutputMode,
    readonly c: Colors,
    private readonly write: (text: string) => void,
  ) {}

  get json(): boolean {
    return this.mode === 'json';
  }

  line(text: string): void {
    this.write(`${text}\n`);
  }

  value(value: unknown): void {
    this.write(`${JSON.stringify(value)}\n`);
  }

  /**
   * A message: `<time> <user>: <text>` piped, aligned columns under a line per day on a terminal. `where` (a channel
   * label) goes before the user, for lists that span channels; `highlights` ([start, end) ranges of the text) are
   * shown inverse on a terminal with colour.
   */
  message(message: Message, where?: string, highlights: readonly [number, number][] = []): void {
    if (this.mode === 'json') return this.value(message);
    const text = sanitize(message.text);
    const channel = where === undefined ? undefined : sanitize(where);
    if (this.mode === 'plain') {
      const prefix = channel === undefined ? '' : `${channel} `;
      this.line(`${message.createdAt} ${prefix}${message.user}: ${text.replaceAll('\n', '\n  ')}`);
      return;
    }
    const at = new Date(message.createdAt);
    const day = at.toDateString();
    if (day !== this.lastDay) {
      this.line(this.c.dim(`── ${day} ──`));
      this.lastDay = day;
    }
    const time = at.toTimeString().slice(0, 8);
    let column = '';
    if (channel !== undefined) {
      this.channelWidth = Math.max(this.channelWidth, displayWidth(channel));
      column = `${pad(channel, this.channelWidth)}  `;
    }
    this.userWidth = Math.max(this.userWidth, displayWidth(message.user));
    const colour =
      USER_COLOURS[[...message.user].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % 6];
    const indent = ' '.repeat(8 + 2 + displayWidth(column) + this.userWidth + 2);
    const user = this.c.bold(this.c[colour](pad(message.user, this.userWidth)));
    const body = this.highlight(text, highlights).replaceAll('\n', `\n${indent}`);
    this.line(`${this.c.dim(time)}  ${column}${user}  ${body}`);
  }

  /**
   * Search results, each the message with its channel (`#design`, `@bob,carol`) and its matches highlighted; the
   * columns are as wide as the page needs (JSON: each result as the API gave it).
   */
  searchResults(results: readonly SearchResult[], me: string): void {
    if (this.mode === 'json') return results.forEach((result) => this.value(result));
    const labels = results.map((result) => sanitize(Output.channelLabel(result.channel, me)));
    for (const [i, result] of results.entries()) {
      this.channelWidth = Math.max(this.channelWidth, displayWidth(labels[i]));
      this.userWidth = Math.max(this.userWidth, displayWidth(result.message.user));
    }
    results.forEach((result, i) => this.message(result.message, labels[i], result.highlights));
  }

  /** `text` with the ranges inverse, each line on its own (so a range across a line break leaves the indent be). */
  private highlight(text: string, ranges: readonly [number, number][]): string {
    let out = '';
    let at = 0;
    for (const [from, to] of ranges) {
      const start = Math.max(at, from);
      const end = Math.min(text.length, to);
      if (end <= start) continue;
      const marked = text
        .slice(start, end)
        .split('\n')
        .map((part) => (part === '' ? part : this.c.inverse(part)))
        .join('\n');
      out += text.slice(at, start) + marked;
      at = end;
    }
    return out + text.slice(at);
  }

  /** Rows of cells: tab-separated when piped, aligned (and styled by `style`) on a terminal. */
  table(
    rows: string[][],
    style: ((cell: string, column: number, row: number) => string) | undefined = undefined,
  ): void {
    const clean = rows.map((row) => row.map(sanitize));
    if (this.mode !== 'tty') {
      for (const row of clean) this.line(row.join('\t'));
      return;
    }
    const widths: number[] = [];
    for (const row of clean)
      row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
    clean.forEach((row, r) => {
      const cells = row.map((cell, i) => {
        const padding = i === row.length - 1 ? '' : ' '.repeat(widths[i] - displayWidth(cell));
        return (style ? style(cell, i, r) : cell) + padding;
      });
      this.line(cells.join('  ').trimEnd());
    });
  }

  /** How a channel is named to the user: `#name`, or `@bob` for a DM (its other members). */
  static channelLabel(channel: Pick<Channel, 'name' | 'kind' | 'members'>, me: string): string {
    if (channel.kind !== 'dm') return `#${channel.name}`;
    const others = (channel.members ?? []).filter((m) => m !== me);
    return `@${(others.length > 0 ? others : [me]).join(',')}`;
  }
}
