import type { IncomingMessage } from 'node:http';

/** What Express and passport add to a request, read without trusting their `any` types. */
interface AnnotatedRequest extends IncomingMessage {
  user?: { username?: string };
  route?: { path?: unknown };
}

/** The authenticated username, once authentication has run. */
export function userOf(req: IncomingMessage): string | undefined {
  return (req as AnnotatedRequest).user?.username;
}

/** The route pattern that answered (e.g. `/api/messages`), once routing has run. */
export function routeOf(req: IncomingMessage): string | undefined {
  const path = (req as AnnotatedRequest).route?.path;
  return typeof path === 'string' ? path : undefined;
}
