import type { NextFunction, Request, Response } from 'express';
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

/** Deeper JSON than any request of the API needs is refused before anything walks it recursively. */
export const MAX_JSON_DEPTH = 16;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const hasBody = (req: Request) => req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH';

/** A request that carries a body must say it is JSON (`415` otherwise), before anything parses it. */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (hasBody(req) && !req.is('application/json')) {
    next(new HttpException('Content-Type must be application/json', HttpStatus.UNSUPPORTED_MEDIA_TYPE));
    return;
  }
  next();
}

/** What is wrong with a parsed JSON body, walked without recursion: too deep, or a key that could pollute. */
function problemOf(body: unknown): string | undefined {
  const pending: [unknown, number][] = [[body, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_JSON_DEPTH) return `Request body is nested deeper than ${MAX_JSON_DEPTH} levels`;
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `Request body must not contain the key "${key}"`;
      pending.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return undefined;
}

/** After parsing: the body is one JSON object, not too deep, without prototype-polluting keys. */
export function requireJsonObject(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next();
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return next(new BadRequestException('Request body must be a JSON object'));
  }
  const problem = problemOf(body);
  next(problem ? new BadRequestException(problem) : undefined);
}
