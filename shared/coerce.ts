/**
 * Jinja renders every value as a string. Turn canonical numbers, booleans and Python-style lists back into JSON
 * values, except where the string is an identifier (DESIGN.md, "Mapping rules").
 */
const CANONICAL_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const ID_EXACT = new Set(['id', 'uid', 'uuid']);
const ID_SUFFIX = /(_id|[a-z0-9]Id|ID)$/;
const ID_WORDS = /phone|mobile|zip|postal|pincode/;
const MAX_SAFE = 2 ** 53;

/** `id`, `uid`, `uuid`, `*_id`, `*Id`, `*ID` and keys naming a phone, mobile, zip, postal or pin code. */
export function isIdLikeKey(key: string): boolean {
  const lower = key.toLowerCase();
  return ID_EXACT.has(lower) || ID_SUFFIX.test(key) || lower.endsWith('_id') || ID_WORDS.test(lower);
}

export function coerceNumber(value: string): number | undefined {
  if (!CANONICAL_NUMBER.test(value)) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || Math.abs(n) > MAX_SAFE) return undefined;
  if (value.includes('.')) return n;
  return Number.isSafeInteger(n) ? n : undefined;
}

const BOOLEANS: Record<string, boolean> = { True: true, true: true, False: false, false: false };

/** Parses a Python list literal of strings, numbers, booleans and None: `['a', 'b']`, `[1, 2.5]`. */
export function parsePythonList(value: string): unknown[] | undefined {
  const text = value.trim();
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined;
  const items: unknown[] = [];
  let i = 1;
  const end = text.length - 1;
  const skipSpace = () => {
    while (i < end && text[i] === ' ') i++;
  };
  skipSpace();
  if (i === end) return items;
  while (i < end) {
    skipSpace();
    const quote = text[i];
    if (quote === "'" || quote === '"') {
      let s = '';
      i++;
      while (i < end && text[i] !== quote) {
        if (text[i] === '\\' && i + 1 < end) i++;
        s += text[i];
        i++;
      }
      if (text[i] !== quote) return undefined;
      i++;
      items.push(s);
    } else {
      const start = i;
      while (i < end && text[i] !== ',') i++;
      const token = text.slice(start, i).trim();
      if (token in BOOLEANS) items.push(BOOLEANS[token]);
      else if (token === 'None') items.push(null);
      else {
        const n = coerceNumber(token);
        if (n === undefined) return undefined;
        items.push(n);
      }
    }
    skipSpace();
    if (i === end) break;
    if (text[i] !== ',') return undefined;
    i++;
  }
  return items;
}

/** Coerces one rendered string; anything that is not canonical stays the same string. */
export function coerceString(value: string): unknown {
  if (value in BOOLEANS) return BOOLEANS[value];
  const n = coerceNumber(value);
  if (n !== undefined) return n;
  return parsePythonList(value) ?? value;
}

/** Applies `coerceString` to every string value at any depth, except under id-like keys. */
export function coerceValue(key: string, value: unknown): unknown {
  if (isIdLikeKey(key)) return value;
  if (typeof value === 'string') return coerceString(value);
  if (Array.isArray(value)) return value.map((item) => coerceValue(key, item));
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

/** Sets a key as an own data property, so `__proto__` stays data and never reaches the prototype. */
export function defineValue(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
