import { coerceValue, defineValue, isPlainObject } from './coerce.ts';
import { describeProblem, templateProblem } from './template-hygiene.ts';
import { type FieldIssue, joinPath } from './warnings.ts';

export interface CleanResult {
  value: Record<string, unknown>;
  dropped: FieldIssue[];
}

/**
 * Drops values whose template was not rendered or that are empty-like, at any depth, and coerces Jinja strings
 * (DESIGN.md, "Mapping rules"). Each drop is reported with its path so the marketer can fix the template.
 */
export function cleanRecord(record: Record<string, unknown>, path: string): CleanResult {
  const dropped: FieldIssue[] = [];
  const value = cleanObject(record, path, dropped);
  return { value, dropped };
}

function cleanObject(record: Record<string, unknown>, path: string, dropped: FieldIssue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(record)) {
    const keyPath = joinPath(path, key);
    const cleaned = cleanAny(key, raw, keyPath, dropped);
    if (cleaned !== DROP) defineValue(out, key, cleaned);
  }
  return out;
}

const DROP = Symbol('drop');

function cleanAny(key: string, raw: unknown, path: string, dropped: FieldIssue[]): unknown {
  const problem = templateProblem(raw);
  if (problem) {
    dropped.push({ path, message: `dropped: the value ${describeProblem(problem)}` });
    return DROP;
  }
  if (Array.isArray(raw)) {
    const items: unknown[] = [];
    raw.forEach((item, i) => {
      const cleaned = cleanAny(key, item, joinPath(path, i), dropped);
      if (cleaned !== DROP) items.push(cleaned);
    });
    return items.map((item) => coerceValue(key, item));
  }
  if (isPlainObject(raw)) return cleanObject(raw, path, dropped);
  return coerceValue(key, raw);
}
