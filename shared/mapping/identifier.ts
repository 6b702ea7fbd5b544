import { describeProblem, templateProblem } from './template-hygiene.ts';
import type { FieldIssue } from './warnings.ts';

/** PostHog truncates longer distinct ids (docs/architecture.md, "PostHog: Event fields"). */
export const MAX_IDENTIFIER_LENGTH = 200;
/** Ids PostHog refuses to merge (docs/architecture.md, "PostHog: Event fields"); "undefined", "null", "None" are already empty-like. */
const ILLEGAL_FOR_MERGE = new Set([
  'anonymous',
  'guest',
  'distinct_id',
  'distinctid',
  'id',
  'email',
  'true',
  'false',
  '0',
  'nan',
  '[object object]',
]);

export interface IdentifierRules {
  path: string;
  /** Where to report a missing value. */
  missingPath: string;
  what: string;
  purpose: string;
  errors: FieldIssue[];
  warnings: FieldIssue[];
}

/**
 * Reads a user identifier (`distinct_id`, a `$create_alias` alias): a string or an integer, never coerced, trimmed,
 * rendered, at most 200 characters. Problems are errors; ids PostHog will not merge are warnings.
 */
export function readIdentifier(raw: unknown, rules: IdentifierRules): string | undefined {
  const { path, what, errors } = rules;
  if (raw === undefined) {
    errors.push({ path: rules.missingPath, message: `is required: ${rules.purpose}` });
    return undefined;
  }
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && !Number.isSafeInteger(raw)) {
      errors.push({ path, message: 'is a number beyond 2^53 and has lost digits: send it as a string (put the template in quotes)' });
      return undefined;
    }
  } else if (typeof raw !== 'string' && raw !== null) {
    errors.push({ path, message: 'must be a string or a number' });
    return undefined;
  }
  const value = raw === null ? null : String(raw).trim();
  const problem = templateProblem(value);
  if (problem) {
    errors.push({ path, message: `the ${what} ${describeProblem(problem, { identifier: true })}` });
    return undefined;
  }
  const text = value as string;
  if (text.length > MAX_IDENTIFIER_LENGTH) {
    errors.push({ path, message: `is longer than ${MAX_IDENTIFIER_LENGTH} characters (PostHog would truncate it)` });
    return undefined;
  }
  if (ILLEGAL_FOR_MERGE.has(text.toLowerCase())) {
    rules.warnings.push({
      path,
      message: `"${text}" is an id PostHog refuses to merge and treats as one shared person; use a real user id`,
    });
  }
  return text;
}
