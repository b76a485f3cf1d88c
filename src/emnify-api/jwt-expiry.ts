/** emnify documents 240 minutes for an auth token; used when the token names no `exp`. */
const DEFAULT_LIFETIME_MS = 240 * 60 * 1000;

/**
 * Reads the expiry of a JWT from its `exp` claim, without verifying it: the token is only
 * passed back to the API that issued it, and the expiry only decides when to ask again.
 */
export function jwtExpiresAt(token: string, now = Date.now()): number {
  const payload = token.split('.')[1];
  if (!payload) return now + DEFAULT_LIFETIME_MS;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : now + DEFAULT_LIFETIME_MS;
  } catch {
    // A token that is not a JWT still works; only its lifetime is unknown.
    return now + DEFAULT_LIFETIME_MS;
  }
}
