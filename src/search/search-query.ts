import { DomainError } from '../common/domain-error.js';
import { foldText } from './fold.js';
import { type SearchFilter, type SearchTerm, searchTerm } from './search-filter.js';

export const MAX_QUERY_LENGTH = 500;
export const MAX_TERMS = 16;
const DAY_MS = 86_400_000;

/** A query as the user wrote it (API.md, Search), before `in:` is resolved against what the user can read. */
export interface SearchQuery {
  include: SearchTerm[];
  exclude: SearchTerm[];
  from: string[];
  /** Channel names, or `@user` for the DM with that user. */
  in: string[];
  sinceMs?: number;
  untilMs?: number;
  hasLink: boolean;
}

/** What the stores search for: `query` in `channels` (its `in:` resolved by the caller), below `beforeId`. */
export function searchFilter(query: SearchQuery, channels: string[], beforeId?: number): SearchFilter {
  const { include, exclude, from: authors, sinceMs, untilMs, hasLink } = query;
  return { include, exclude, authors, channels, sinceMs, untilMs, hasLink, beforeId };
}

const OPERATOR = /^(from|in|before|after|has):(.*)$/is;

/** Parses `q`; a query that cannot mean anything is `bad_request` with what is wrong. */
export function parseSearchQuery(q: string): SearchQuery {
  if (q.length > MAX_QUERY_LENGTH) throw bad(`q is longer than ${MAX_QUERY_LENGTH} characters`);
  const query: SearchQuery = { include: [], exclude: [], from: [], in: [], hasLink: false };
  for (const { negated, text, quoted } of tokens(q)) {
    const operator = quoted ? null : OPERATOR.exec(text);
    if (operator) {
      if (negated) throw bad(`-${operator[1]}: cannot be excluded; leave the operator out`);
      applyOperator(query, operator[1].toLowerCase(), operator[2]);
      continue;
    }
    const folded = foldText(text).trim();
    if (folded === '') continue;
    (negated ? query.exclude : query.include).push(searchTerm(folded));
  }
  if (query.include.length + query.exclude.length > MAX_TERMS) {
    throw bad(`A query has at most ${MAX_TERMS} words and phrases`);
  }
  const positive =
    query.include.length > 0 ||
    query.from.length > 0 ||
    query.in.length > 0 ||
    query.sinceMs !== undefined ||
    query.untilMs !== undefined ||
    query.hasLink;
  if (!positive)
    throw bad('Search for at least one word, phrase or filter (exclusions alone find everything)');
  return query;
}

/** Words and "quoted phrases", each maybe with a leading `-`. */
function* tokens(q: string): Generator<{ negated: boolean; text: string; quoted: boolean }> {
  let at = 0;
  while (at < q.length) {
    if (/\s/.test(q[at])) {
      at++;
      continue;
    }
    const negated = q[at] === '-' && at + 1 < q.length && !/\s/.test(q[at + 1]);
    if (negated) at++;
    if (q[at] === '"') {
      const end = q.indexOf('"', at + 1);
      if (end < 0) throw bad(`The quote at character ${at + 1} is not closed`);
      yield { negated, text: q.slice(at + 1, end), quoted: true };
      at = end + 1;
    } else {
      const end = q.slice(at).search(/[\s"]/);
      const stop = end < 0 ? q.length : at + end;
      yield { negated, text: q.slice(at, stop), quoted: false };
      at = stop;
    }
  }
}

function applyOperator(query: SearchQuery, name: string, value: string): void {
  if (value === '') throw bad(`${name}: needs a value, as in ${EXAMPLES[name]}`);
  switch (name) {
    case 'from':
      query.from.push(value.replace(/^@/, '').toLowerCase());
      return;
    case 'in':
      query.in.push(value.replace(/^#/, '').toLowerCase());
      return;
    case 'has':
      if (value.toLowerCase() !== 'link') throw bad(`has: knows only "link", not "${value}"`);
      query.hasLink = true;
      return;
    case 'before': {
      const { start } = parseDate(name, value);
      query.untilMs = Math.min(query.untilMs ?? Infinity, start);
      return;
    }
    case 'after': {
      const { end } = parseDate(name, value);
      query.sinceMs = Math.max(query.sinceMs ?? -Infinity, end);
      return;
    }
  }
}

const EXAMPLES: Record<string, string> = {
  from: 'from:alice',
  in: 'in:general',
  has: 'has:link',
  before: 'before:2026-11-01',
  after: 'after:2026-11-01',
};

/** A UTC day (start, end exclusive) or an instant (end one millisecond later). */
function parseDate(name: string, value: string): { start: number; end: number } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00.000Z`);
    if (!Number.isNaN(start) && new Date(start).toISOString().startsWith(value)) {
      return { start, end: start + DAY_MS };
    }
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const instant = Date.parse(value);
    if (!Number.isNaN(instant)) return { start: instant, end: instant + 1 };
  }
  throw bad(`${name}: "${value}" is not a date; use YYYY-MM-DD or an ISO time such as 2026-11-01T10:00:00Z`);
}

function bad(message: string): DomainError {
  return DomainError.badRequest(message);
}
