import type { NextFunction, Request, Response } from 'express';
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

const hasBody = (req: Request) => req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH';

/** A request that carries a body must say it is JSON (`415` otherwise), before anything parses it. */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (hasBody(req) && !req.is('application/json')) {
    next(new HttpException('Content-Type must be application/json', HttpStatus.UNSUPPORTED_MEDIA_TYPE));
    return;
  }
  next();
}

/** After parsing: the body is one JSON object, not an array or a scalar. */
export function requireJsonObject(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  if (hasBody(req) && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    next(new BadRequestException('Request body must be a JSON object'));
    return;
  }
  next();
}
