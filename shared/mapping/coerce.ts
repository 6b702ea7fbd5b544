import { parsePythonLiteral, pythonNumber } from './python-literal.ts';

/**
 * Jinja renders every value as a string (Python's `str()`). Turn the strings Python writes for numbers, booleans
 * and lists back into JSON values, except where the key names an identifier (docs/architecture.md, "Mapping rules").
 * Coercion is lossless: a string becomes a number only if that number is written back as the same text, so
 * `"1.10"`, `"01234"`, `"+5"`, `" 5"`, `"1e5"` and integers beyond 2^53 stay strings.
 */
const CANONICAL_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const ID_EXACT = new Set(['id', 'uid', 'uuid']);
/** `user_id`, `user-id`, `User ID`, `user.id`, `userId`, `userID`, `USER_ID`. */
const ID_SUFFIX_WORD = /[\s_.-](id|uid|uuid)$/i;
const ID_SUFFIX_CAMEL = /[a-z0-9](Id|ID)$/;
const ID_WORDS = /phone|mobile|zip|postal|postcode|pincode/i;

/** Keys whose values are identifiers and are never coerced. */
export function isIdLikeKey(key: string): boolean {
  return ID_EXACT.has(key.toLowerCase()) || ID_SUFFIX_WORD.test(key) || ID_SUFFIX_CAMEL.test(key) || ID_WORDS.test(key);
}

/** The number Python would print as exactly `value` (`str(19.99)`, `str(42)`, `str(100.0)`), else undefined. */
export function coerceNumber(value: string): number | undefined {
  if (!CANONICAL_NUMBER.test(value)) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || Object.is(n, -0)) return undefined;
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return undefined;
  const written = String(n);
  if (written === value || (Number.isInteger(n) && `${written}.0` === value)) return n;
  return undefined;
}

const BOOLEANS = new Map<string, boolean>([
  ['True', true],
  ['true', true],
  ['False', false],
  ['false', false],
]);

/**
 * Coerces one rendered string; anything that is not Python's rendering of a number (int or float repr, `1e+16`
 * included), boolean, list, tuple or dict stays as is.
 */
export function coerceString(value: string): unknown {
  const bool = BOOLEANS.get(value);
  if (bool !== undefined) return bool;
  const n = coerceNumber(value) ?? pythonNumber(value);
  if (n !== undefined) return n;
  return parsePythonLiteral(value) ?? value;
}

/** Applies `coerceString` to every string value at any depth, except under id-like keys. */
export function coerceValue(key: string, value: unknown): unknown {
  return isIdLikeKey(key) ? value : coerceNotId(value);
}

/** `coerceValue` under a key already known not to name an identifier. */
export function coerceNotId(value: unknown): unknown {
  if (typeof value === 'string') return coerceString(value);
  if (Array.isArray(value)) return value.map((item) => coerceNotId(item));
  if (isPlainObject(value)) return coerceRecord(value);
  return value;
}

export function coerceRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) defineValue(out, k, coerceValue(k, v));
  return out;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Sets a key as an own data property, so `__proto__` stays data and never reaches the prototype. Only `__proto__`
 * needs `defineProperty` (the one accessor of Object.prototype); a plain assignment makes the same property for any
 * other key of a plain object, several times faster (it ran once per value of large bodies).
 */
export function defineValue(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
