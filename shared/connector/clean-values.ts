import { coerceNotId, defineValue, isIdLikeKey, isPlainObject } from '../mapping/coerce.ts';
import { describeProblem, templateProblem, textProblem } from '../mapping/template-hygiene.ts';
import { type FieldIssue, joinPath } from '../mapping/warnings.ts';

export interface CleanResult {
  value: Record<string, unknown>;
  /** Values dropped (template not rendered, empty, unstorable): warnings, or errors in strict mode. */
  dropped: FieldIssue[];
  /** Kept values worth a remark (a JSON number that may have lost digits). */
  warnings: FieldIssue[];
}

/**
 * Drops values whose template was not rendered, that are empty-like or that PostHog cannot store, at any depth, and
 * coerces Jinja strings (docs/architecture.md, "Mapping rules"). Each drop is reported with its path so the marketer can fix
 * the template. `__proto__` keys are skipped (they are reported by `checkStructure`).
 */
export function cleanRecord(record: Record<string, unknown>, path: string): CleanResult {
  const result: CleanResult = { value: {}, dropped: [], warnings: [] };
  result.value = cleanObject(record, path, result);
  return result;
}

function cleanObject(record: Record<string, unknown>, path: string, result: CleanResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(record)) {
    if (key === '__proto__') continue;
    const keyPath = joinPath(path, key);
    const keyProblem = key.trim() === '' ? 'is empty' : textProblem(key);
    if (keyProblem) {
      const reason = keyProblem === 'is empty' ? 'the property name is empty' : `the property name ${describeProblem(keyProblem)}`;
      result.dropped.push({ path: keyPath, message: `dropped: ${reason}` });
      continue;
    }
    const cleaned = cleanAny(isIdLikeKey(key), raw, keyPath, result);
    if (cleaned !== DROP) defineValue(out, key, cleaned);
  }
  return out;
}

const DROP = Symbol('drop');
const BEYOND_2_53 = 'is a JSON number beyond 2^53 and may have lost digits; send identifiers as strings';

/** The path of a value: `at`, or `at` and the value's `index` in its list (built only when a finding names it). */
const pathOf = (at: string, index: number | undefined): string => (index === undefined ? at : joinPath(at, index));

/**
 * `idLike`: the value is under a key naming an identifier (never coerced), looked at once per key rather than per
 * list item (lists can hold ~10^5 items).
 */
function cleanAny(idLike: boolean, raw: unknown, at: string, result: CleanResult, index?: number): unknown {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') {
    // Nothing in templateProblem or coercion applies to a number: checked here, in place (lists of ~10^5 numbers).
    if (Number.isInteger(raw) && !Number.isSafeInteger(raw)) result.warnings.push({ path: pathOf(at, index), message: BEYOND_2_53 });
    return raw;
  }
  const problem = templateProblem(raw);
  if (problem) {
    result.dropped.push({ path: pathOf(at, index), message: `dropped: the value ${describeProblem(problem)}` });
    return DROP;
  }
  if (Array.isArray(raw)) {
    const here = pathOf(at, index);
    const items: unknown[] = [];
    // An index loop, coercing as it goes (coercion has no findings): lists can hold ~10^5 items.
    for (let i = 0; i < raw.length; i++) {
      const cleaned = cleanAny(idLike, raw[i], here, result, i);
      if (cleaned === DROP) continue;
      items.push(idLike || (typeof cleaned !== 'string' && typeof cleaned !== 'object') ? cleaned : coerceNotId(cleaned));
    }
    return items;
  }
  if (isPlainObject(raw)) return cleanObject(raw, pathOf(at, index), result);
  const coerced = idLike ? raw : coerceNotId(raw);
  if (!Array.isArray(coerced)) return coerced;
  // A Python list rendered by Jinja: its elements are final values, only empty ones (None, '') are dropped.
  return coerced.filter((item, i) => {
    const itemProblem = templateProblem(item);
    if (itemProblem)
      result.dropped.push({ path: joinPath(pathOf(at, index), i), message: `dropped: the value ${describeProblem(itemProblem)}` });
    return !itemProblem;
  });
}
