import { createHash, timingSafeEqual } from 'node:crypto';

/** The token in `Authorization: Bearer <token>` or HTTP Basic (the password; the user is ignored). */
export function extractToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^\s*(Bearer|Basic)\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1] || !match[2]) return undefined;
  if (match[1].toLowerCase() === 'bearer') return match[2];
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * True when the token equals one of the valid tokens. Every candidate is compared (no early exit) on fixed-length
 * digests, so timing reveals neither which token matched nor its length.
 */
export function isAuthorized(token: string | undefined, validTokens: readonly string[]): boolean {
  if (token === undefined || token === '') return false;
  const presented = digest(token);
  let matched = false;
  for (const valid of validTokens) {
    if (valid !== '' && timingSafeEqual(presented, digest(valid))) matched = true;
  }
  return matched;
}
