import { isPlainObject } from './coerce.ts';
import { describeProblem, textProblem } from './template-hygiene.ts';
import { type FieldIssue, joinPath } from './warnings.ts';

/** Bounds on the shape of a body, checked before any mapping (docs/mapping.md, "11. Hostile input and limits"). */
export const INPUT_LIMITS = { maxDepth: 32, maxKeys: 1000 } as const;
const MAX_REPORTED = 10;
const PROTO_IGNORED = 'ignored: "__proto__" is not accepted as a property name';

export interface StructureReport {
  /** Too deep, or too many keys in one object: the request is rejected. */
  errors: FieldIssue[];
  /** `__proto__` keys: ignored (never copied, so they cannot reach a prototype). */
  warnings: FieldIssue[];
}

/** A container being walked: its children are visited in document order, one at a time. */
interface Frame {
  value: Record<string, unknown> | unknown[];
  /** The object's own keys; undefined for a list. */
  keys: string[] | undefined;
  length: number;
  next: number;
  depth: number;
  parent: Frame | undefined;
  /** This container's key in its parent ('' for the body). */
  key: string | number;
  /** Children not walked: property names already reported. */
  skip: Set<number> | undefined;
}

/** The path of a container, built only when a finding names it (a path per element would dominate the walk). */
function pathOf(frame: Frame | undefined): string {
  const parts: Array<string | number> = [];
  for (let f = frame; f?.parent; f = f.parent) parts.push(f.key);
  return joinPath(...parts.reverse());
}

/** The path of a value found at `key` in `parent`, or "(body)". */
const pathAt = (parent: Frame | undefined, key: string | number): string => joinPath(pathOf(parent), key) || '(body)';

/**
 * Walks a parsed body without recursion and reports nesting deeper than 32 levels, objects with more than 1,000 keys,
 * numbers too large to represent (`1e400` parses to Infinity) and `__proto__` keys; with `text`, also NUL characters
 * and lone surrogates in strings and names (Streams, whose values are not otherwise checked). Containers beyond the
 * depth limit are not entered. Findings come in document order; at most 10 errors are looked for. Only containers
 * take memory (a frame each); scalars are checked in place and paths are built only for findings.
 */
export function checkStructure(body: unknown, limits = INPUT_LIMITS, options: { text?: boolean } = {}): StructureReport {
  const report: StructureReport = { errors: [], warnings: [] };
  const text = options.text === true;
  const visit = (value: unknown, parent: Frame | undefined, key: string | number, depth: number): Frame | undefined => {
    if (typeof value === 'number') {
      // JSON has no Infinity: a literal beyond ±1.8e308 (`1e400`) parses to it, and would become the string "Infinity".
      if (!Number.isFinite(value))
        report.errors.push({ path: pathAt(parent, key), message: 'is a number too large to represent (beyond ±1.8e308)' });
      return undefined;
    }
    if (typeof value === 'string') {
      const problem = text ? textProblem(value) : undefined;
      if (problem) report.errors.push({ path: pathAt(parent, key), message: describeProblem(problem) });
      return undefined;
    }
    const isArray = Array.isArray(value);
    if (!isArray && !isPlainObject(value)) return undefined;
    if (depth > limits.maxDepth) {
      report.errors.push({ path: pathAt(parent, key), message: `is nested deeper than ${limits.maxDepth} levels` });
      return undefined;
    }
    const keys = isArray ? undefined : Object.keys(value);
    if (keys && keys.length > limits.maxKeys) {
      report.errors.push({ path: pathAt(parent, key), message: `has ${keys.length} keys; at most ${limits.maxKeys} are accepted` });
      return undefined;
    }
    const frame: Frame = {
      value,
      keys,
      length: keys ? keys.length : (value as unknown[]).length,
      next: 0,
      depth,
      parent,
      key,
      skip: undefined,
    };
    // Property names are reported last to first, before anything inside the object (as the walk always has).
    for (let i = (keys?.length ?? 0) - 1; i >= 0; i--) {
      const name = (keys as string[])[i] as string;
      const keyProblem = text ? textProblem(name) : undefined;
      if (!keyProblem && name !== '__proto__') continue;
      const path = pathOf(frame);
      if (keyProblem) report.errors.push({ path: path || '(body)', message: `has a property name that ${describeProblem(keyProblem)}` });
      else report.warnings.push({ path: joinPath(path, name), message: PROTO_IGNORED });
      frame.skip = (frame.skip ?? new Set()).add(i);
    }
    return frame;
  };
  const root = visit(body, undefined, '', 1);
  const stack: Frame[] = root ? [root] : [];
  walk: while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const { keys, skip } = frame;
    const value = frame.value as Record<string | number, unknown>;
    // The frame's children up to its next container, in one loop: most children are scalars (an event may hold 1,000).
    while (frame.next < frame.length) {
      const i = frame.next++;
      if (skip?.has(i)) continue;
      if (report.errors.length >= MAX_REPORTED) break walk;
      const key = keys ? (keys[i] as string) : i;
      const item = value[key];
      if (item === null || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item))) continue;
      const child = visit(item, frame, key, frame.depth + 1);
      if (child) {
        stack.push(child);
        continue walk;
      }
    }
    stack.pop();
  }
  return report;
}
