import type * as z from 'zod/mini';
import { type FieldIssue, joinPath } from './warnings.ts';

/** Turns zod issues into `{path, message}` errors a marketer can act on. */
export function toFieldIssues(error: z.core.$ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: joinPath(prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))) || '(body)',
    message: issue.message,
  }));
}
