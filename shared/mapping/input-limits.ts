import { isPlainObject } from './coerce.ts';
import { describeProblem, textProblem } from './template-hygiene.ts';
import { type FieldIssue, joinPath } from './warnings.ts';

/** Bounds on the shape of a body, checked before any mapping (docs/mapping.md, "11. Hostile input and limits"). */
export const INPUT_LIMITS = { maxDepth: 32, maxKeys: 1000 } as const;
const MAX_REPORTED = 10;

export interface StructureReport {
  /** Too deep, or too many keys in one object: the request is rejected. */
  errors: FieldIssue[];
  /** `__proto__` keys: ignored (never copied, so they cannot reach a prototype). */
  warnings: FieldIssue[];
}

/**
 * Walks a parsed body without recursion and reports nesting deeper than 32 levels, objects with more than 1,000 keys,
 * numbers too large to represent (`1e400` parses to Infinity) and `__proto__` keys; with `text`, also NUL characters
 * and lone surrogates in strings and names (Streams, whose values are not otherwise checked). Containers beyond the depth limit are not entered.
 */
export function checkStructure(body: unknown, limits = INPUT_LIMITS, options: { text?: boolean } = {}): StructureReport {
  const report: StructureReport = { errors: [], warnings: [] };
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 1 }];
  while (stack.length > 0 && report.errors.length < MAX_REPORTED) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    const isArray = Array.isArray(value);
    if (typeof value === 'number' && !Number.isFinite(value)) {
      // JSON has no Infinity: a literal beyond ±1.8e308 (`1e400`) parses to it, and would become the string "Infinity".
      report.errors.push({ path: path || '(body)', message: 'is a number too large to represent (beyond ±1.8e308)' });
      continue;
    }
    if (options.text && typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) report.errors.push({ path: path || '(body)', message: describeProblem(problem) });
      continue;
    }
    if (!isArray && !isPlainObject(value)) continue;
    if (depth > limits.maxDepth) {
      report.errors.push({ path: path || '(body)', message: `is nested deeper than ${limits.maxDepth} levels` });
      continue;
    }
    const entries: Array<[string | number, unknown]> = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
    if (!isArray && entries.length > limits.maxKeys) {
      report.errors.push({ path: path || '(body)', message: `has ${entries.length} keys; at most ${limits.maxKeys} are accepted` });
      continue;
    }
    // Pushed in reverse so that findings come out in document order.
    for (const [key, child] of entries.reverse()) {
      const childPath = joinPath(path, key);
      const keyProblem = options.text && typeof key === 'string' ? textProblem(key) : undefined;
      if (keyProblem) {
        report.errors.push({ path: path || '(body)', message: `has a property name that ${describeProblem(keyProblem)}` });
        continue;
      }
      if (key === '__proto__') {
        report.warnings.push({ path: childPath, message: 'ignored: "__proto__" is not accepted as a property name' });
        continue;
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return report;
}
