import type { FieldIssue } from '../mapping/warnings.ts';

/** Values of a query flag: present without a value, or one of these words (case-insensitive). */
const ON = new Set(['', '1', 'true', 'yes', 'on']);
const OFF = new Set(['0', 'false', 'no', 'off']);

/** A query flag such as `?dry_run`: on for `?dry_run`, `=1`, `=true`, `=yes`, `=on`; off when absent or `0/false/no/off`. */
export const isQueryFlagOn = (value: string | undefined): boolean => value !== undefined && ON.has(value.toLowerCase());

/**
 * Every query parameter must be one the route knows, with a flag value: a mistyped `?dryrun=1` or `?DRY_RUN=1` that
 * were ignored would deliver for real what the user meant to dry-run, so they are refused (400) instead. Pure.
 */
export function checkQueryFlags(params: Record<string, string | undefined> | undefined, known: readonly string[]): FieldIssue[] {
  const knownText = known.length > 0 ? `this route knows ${known.map((k) => `?${k}`).join(', ')}` : 'this route takes no query parameters';
  const issues: FieldIssue[] = [];
  for (const [name, value] of Object.entries(params ?? {})) {
    if (!known.includes(name)) {
      issues.push({ path: `query.${name}`, message: `unknown query parameter; ${knownText} (lower-case); nothing was sent` });
    } else if (value !== undefined && !ON.has(value.toLowerCase()) && !OFF.has(value.toLowerCase())) {
      issues.push({ path: `query.${name}`, message: 'must be 1, true, yes or on (or 0, false, no, off); nothing was sent' });
    }
  }
  return issues;
}
