import { describe, expect, it } from '@jest/globals';
import pc from 'picocolors';
import type { SearchResult } from './api-client.js';
import { Output, type OutputMode } from './output.js';

const INVERSE = '\x1b[7m';
const END_INVERSE = '\x1b[27m';

function printed(mode: OutputMode, results: SearchResult[], colour = true): string {
  let out = '';
  new Output(mode, pc.createColors(colour), (text) => (out += text)).searchResults(results, 'alice');
  return out;
}

function result(text: string, highlights: [number, number][], channel = 'design'): SearchResult {
  return {
    message: { id: 1, channel, user: 'bob', text, createdAt: '2026-11-27T10:00:00.000Z' },
    channel: { name: channel, kind: 'channel', topic: '', private: false, member: true },
    highlights,
  };
}

describe('Output.searchResults', () => {
  it('marks the highlighted ranges inverse on a terminal', () => {
    const line = printed('tty', [
      result('we deploy at noon, deploy!', [
        [3, 9],
        [19, 25],
      ]),
    ]).split('\n')[1];
    expect(line).toContain(`we ${INVERSE}deploy${END_INVERSE} at noon, ${INVERSE}deploy${END_INVERSE}!`);
  });

  it('marks each line of a range across a line break, leaving the indent unmarked', () => {
    const lines = printed('tty', [result('the build\nwas green', [[4, 13]])]).split('\n');
    expect(lines[1].endsWith(`the ${INVERSE}build${END_INVERSE}`)).toBe(true);
    // time, channel and user columns: 8 + 2, 7 + 2, 8 + 2
    expect(lines[2]).toBe(`${' '.repeat(29)}${INVERSE}was${END_INVERSE} green`);
  });

  it('clips ranges to the text and to after the previous range', () => {
    const line = printed('tty', [
      result('abcdef', [
        [1, 3],
        [2, 4],
        [5, 99],
        [120, 130],
      ]),
    ]).split('\n')[1];
    expect(line).toContain(`a${INVERSE}bc${END_INVERSE}${INVERSE}d${END_INVERSE}e${INVERSE}f${END_INVERSE}`);
  });

  it('prints no marks piped, nor on a terminal without colour', () => {
    const results = [result('we deploy', [[3, 9]])];
    expect(printed('plain', results)).toBe('2026-11-27T10:00:00.000Z #design bob: we deploy\n');
    expect(printed('tty', results, false)).not.toContain('\x1b');
  });

  it('aligns the channel column over the whole page', () => {
    const lines = printed('tty', [result('one', [], 'ops'), result('two', [], 'engineering')], false)
      .split('\n')
      .slice(1, 3);
    expect(lines.map((line) => line.indexOf('bob'))).toEqual([24, 24]);
  });
});
