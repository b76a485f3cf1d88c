import { createHash, timingSafeEqual } from 'node:crypto';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Checks the Data Streamer's Authorization header: `Bearer <token>`, or Basic with the token
 * as password. Compares digests in constant time, so neither the token nor its length leaks.
 */
export function webhookAuthorized(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const credential = rest.join(' ');

  let presented: string | undefined;
  if (scheme.toLowerCase() === 'bearer') presented = credential;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    presented = colon === -1 ? undefined : decoded.slice(colon + 1);
  }

  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}
