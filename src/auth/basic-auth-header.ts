export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * Parses `Authorization: Basic base64(username:password)` (RFC 7617). Unlike passport-http's parser, the split
 * is at the first colon only, so a password may contain colons; the credentials are decoded as UTF-8.
 * Returns null when the header is missing or not well-formed Basic credentials.
 */
export function parseBasicAuthHeader(header: string | undefined): BasicCredentials | null {
  const match = header ? /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
