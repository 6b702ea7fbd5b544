/** Shows enough of a secret to recognise it, never all of it: `phc_ab…yz`, `k3Jd…` for short ones. */
export function mask(secret: string): string {
  if (secret.length <= 8) return `${secret.slice(0, 2)}…`;
  if (secret.length <= 16) return `${secret.slice(0, 4)}…`;
  return `${secret.slice(0, 6)}…${secret.slice(-4)}`;
}
