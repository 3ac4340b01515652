import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MetricsService } from '../metrics/metrics.service.js';
import { DomainError, type DomainErrorCode } from './domain-error.js';

interface HttpError {
  status: number;
  message: string | string[];
  retryAfterMs?: number;
}

/** The one table from domain error codes to HTTP status. */
const STATUS_OF: Record<DomainErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

/** body-parser reports its failures with a `type`; these are the client's fault. */
const BODY_PARSER_ERRORS: Record<string, HttpError> = {
  'entity.parse.failed': { status: 400, message: 'Request body is not valid JSON' },
  'entity.too.large': { status: 413, message: 'Request body is larger than 16 KiB' },
  'entity.verify.failed': { status: 400, message: 'Request body could not be read' },
  'request.aborted': { status: 400, message: 'Request was aborted' },
  'request.size.invalid': { status: 400, message: 'Request body length does not match Content-Length' },
  'encoding.unsupported': { status: 415, message: 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, message: 'Unsupported charset; use UTF-8' },
};

/** The body-parser failure behind an error, if any (Nest wraps them in an HttpException with the cause). */
function bodyParserError(exception: unknown): HttpError | undefined {
  const source = exception instanceof HttpException ? exception.cause : exception;
  const type = (source as { type?: unknown } | null | undefined)?.type;
  return typeof type === 'string' ? BODY_PARSER_ERRORS[type] : undefined;
}

function toHttpError(exception: unknown): HttpError {
  const parserError = bodyParserError(exception);
  if (parserError) return parserError;
  if (exception instanceof DomainError) {
    return {
      status: STATUS_OF[exception.code],
      message: exception.message,
      retryAfterMs: exception.retryAfterMs,
    };
  }
  if (exception instanceof HttpException) {
    const body = exception.getResponse();
    const message =
      typeof body === 'object' && body !== null && 'message' in body
        ? (body as { message: string | string[] }).message
        : exception.message;
    return { status: exception.getStatus(), message };
  }
  return { status: 500, message: 'Internal server error' };
}

/**
 * Every error leaves the server in Nest's JSON shape `{statusCode, error, message}`, never with a stack trace
 * or an internal message; 5xx are logged with their cause.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  constructor(private readonly metrics: MetricsService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<Request>();
    const response = ctx.getResponse<Response>();
    const { status, message, retryAfterMs } = toHttpError(exception);
    if (status === 401) this.metrics.authFailures.inc();
    if (status === 429) this.metrics.rateLimited.inc();

    if (status >= 500) {
      this.logger.error(
        `${request.method} ${request.originalUrl} failed`,
        (exception as Error)?.stack ?? exception,
      );
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    if (retryAfterMs !== undefined)
      response.setHeader('Retry-After', Math.max(1, Math.ceil(retryAfterMs / 1000)));
    if (status === 401 && request.get('x-requested-with') !== 'XMLHttpRequest') {
      response.setHeader('WWW-Authenticate', 'Basic realm="chat"');
    }
    response.status(status).json({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message });
  }
}
