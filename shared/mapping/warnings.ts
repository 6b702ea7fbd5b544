/** A problem tied to a field of the input, shown to the marketer as `{path, message}`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The parts joined with dots, empty ones left out; a loop, as it runs once per value of large bodies. */
export function joinPath(...parts: Array<string | number>): string {
  let out = '';
  for (const part of parts) {
    if (part === '') continue;
    out = out === '' ? String(part) : `${out}.${part}`;
  }
  return out;
}

/** At most this many issues are listed in one response; the rest are counted. */
export const MAX_LISTED_ISSUES = 100;

/** Keeps a response readable (and small) however many problems a body has. */
export function capIssues(issues: FieldIssue[], max = MAX_LISTED_ISSUES): FieldIssue[] {
  if (issues.length <= max) return issues;
  return [...issues.slice(0, max), { path: '(more)', message: `${issues.length - max} more not listed` }];
}
