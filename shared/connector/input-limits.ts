import { isPlainObject } from '../mapping/coerce.ts';
import { type FieldIssue, joinPath } from '../mapping/warnings.ts';

/** Bounds on the shape of a body, checked before any mapping (DESIGN.md, "Details that are easy to get wrong"). */
export const INPUT_LIMITS = { maxDepth: 32, maxKeys: 1000 } as const;
const MAX_REPORTED = 10;

export interface StructureReport {
  /** Too deep, or too many keys in one object: the request is rejected. */
  errors: FieldIssue[];
  /** `__proto__` keys: ignored (never copied, so they cannot reach a prototype). */
  warnings: FieldIssue[];
}

/**
 * Walks a parsed body without recursion and reports nesting deeper than 32 levels, objects with more than 1,000 keys
 * and `__proto__` keys. Containers beyond the depth limit are not entered.
 */
export function checkStructure(body: unknown, limits = INPUT_LIMITS): StructureReport {
  const report: StructureReport = { errors: [], warnings: [] };
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 1 }];
  while (stack.length > 0 && report.errors.length < MAX_REPORTED) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    const isArray = Array.isArray(value);
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
      if (key === '__proto__') {
        report.warnings.push({ path: childPath, message: 'ignored: "__proto__" is not accepted as a property name' });
        continue;
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return report;
}
