/** The exit codes of `chat`, documented in `chat --help` and the README. */
export const ExitCode = {
  ok: 0,
  other: 1,
  badInput: 2,
  badCredentials: 3,
  rateLimited: 4,
  unreachable: 5,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  any other error (a server error, a file that cannot be written)
  2  bad input or usage: unknown option, empty or too long text, unknown channel or user (400, 404, 413)
  3  not logged in, wrong user or password, or not allowed (401, 403)
  4  rate limited (429); the message says how long to wait
  5  server unreachable (connection refused, DNS, timeout, 502/503/504)`;

/** An error that ends the command with a message on stderr and a given exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

/** A non-2xx answer from the server, with its JSON error message when it had one. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds, from `Retry-After`. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** The request never got an HTTP answer: connection refused, reset, DNS failure, timeout. */
export class NetworkError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${url} (${reason})`);
  }
}

/** Whether retrying the same request later may succeed. */
export function isTransient(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof HttpError && error.status >= 500);
}

/** Maps any failure to the message and exit code the user sees. */
export function toCliError(error: unknown, server: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof NetworkError) {
    return new CliError(ExitCode.unreachable, `server unreachable: ${error.message}`);
  }
  if (error instanceof HttpError) {
    const { status, message } = error;
    if (status === 401) {
      return new CliError(
        ExitCode.badCredentials,
        `wrong user name or password for ${server} (run \`chat login\`, or set CHAT_USER and CHAT_PASSWORD)`,
      );
    }
    if (status === 403) return new CliError(ExitCode.badCredentials, `not allowed: ${message}`);
    if (status === 429) {
      const wait = error.retryAfter === undefined ? '' : `; try again in ${error.retryAfter} s`;
      return new CliError(ExitCode.rateLimited, `rate limited: ${message}${wait}`);
    }
    if (status === 502 || status === 503 || status === 504) {
      return new CliError(ExitCode.unreachable, `server unavailable (HTTP ${status}): ${message}`);
    }
    if (status >= 400 && status < 500) return new CliError(ExitCode.badInput, `${message} (HTTP ${status})`);
    return new CliError(ExitCode.other, `server error (HTTP ${status}): ${message}`);
  }
  return new CliError(ExitCode.other, error instanceof Error ? error.message : String(error));
}
