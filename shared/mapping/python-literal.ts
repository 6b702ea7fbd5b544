/**
 * Reads what Python's `str()` writes for a list, tuple or dict of strings, numbers, booleans and None — what Jinja
 * renders for such a MoEngage attribute (`['a', 'b']`, `(1, 2)`, `{'plan': 'pro', 'seats': 3}`). A subset of
 * `ast.literal_eval`; hand-written because no maintained npm package reads Python reprs. Nested containers work;
 * anything else (sets, bytes, calls, non-finite floats) makes the whole value undefined, so it stays a string.
 * Linear in the input: one pass, no backtracking.
 */
export function parsePythonLiteral(text: string): unknown[] | Record<string, unknown> | undefined {
  const first = text[0];
  if (first !== '[' && first !== '(' && first !== '{') return undefined;
  const reader = new Reader(text);
  const value = reader.value(0);
  reader.space();
  if (value === FAIL || reader.i !== text.length || typeof value !== 'object' || value === null) return undefined;
  return value as unknown[] | Record<string, unknown>;
}

const FAIL = Symbol('fail');
const MAX_DEPTH = 32;
const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r' };
const CLOSERS: Record<string, string> = { '[': ']', '(': ')', '{': '}' };
const ATOM_END = /[\s,:\])}]/;

class Reader {
  i = 0;
  constructor(private readonly s: string) {}

  space(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] ?? '')) this.i++;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) return FAIL;
    this.space();
    const c = this.s[this.i];
    if (c === '[' || c === '(' || c === '{') return this.container(c, depth);
    if (c === "'" || c === '"') return this.string(c);
    return this.atom();
  }

  private container(open: string, depth: number): unknown {
    const close = CLOSERS[open] as string;
    const isDict = open === '{';
    const list: unknown[] = [];
    const dict: Record<string, unknown> = {};
    this.i++;
    this.space();
    while (this.s[this.i] !== close) {
      const item = this.value(depth + 1);
      if (item === FAIL) return FAIL;
      if (isDict) {
        if (typeof item !== 'string') return FAIL;
        this.space();
        if (this.s[this.i] !== ':') return FAIL;
        this.i++;
        const v = this.value(depth + 1);
        if (v === FAIL) return FAIL;
        Object.defineProperty(dict, item, { value: v, enumerable: true, writable: true, configurable: true });
      } else {
        list.push(item);
      }
      this.space();
      if (this.s[this.i] === ',') {
        this.i++;
        this.space();
        // Python writes a trailing comma only in a one-element tuple: `(1,)`.
        if (this.s[this.i] === close && !(open === '(' && list.length === 1)) return FAIL;
      } else if (this.s[this.i] !== close) {
        return FAIL;
      }
    }
    this.i++;
    return isDict ? dict : list;
  }

  private string(quote: string): unknown {
    let out = '';
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== quote) {
      const c = this.s[this.i] as string;
      if (c === '\\') {
        const next = this.s[this.i + 1] ?? '';
        if (next === 'x' || next === 'u') {
          const width = next === 'x' ? 2 : 4;
          const hex = this.s.slice(this.i + 2, this.i + 2 + width);
          const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === width ? Number.parseInt(hex, 16) : -1;
          // Control characters (NUL included) are not values worth reading back: the whole value stays a string.
          if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return FAIL;
          out += String.fromCharCode(code);
          this.i += 2 + width;
          continue;
        }
        const escaped = ESCAPES[next];
        if (escaped === undefined) return FAIL;
        out += escaped;
        this.i += 2;
      } else {
        out += c;
        this.i++;
      }
    }
    if (this.s[this.i] !== quote) return FAIL;
    this.i++;
    return out;
  }

  private atom(): unknown {
    const start = this.i;
    while (this.i < this.s.length && !ATOM_END.test(this.s[this.i] ?? '')) this.i++;
    const token = this.s.slice(start, this.i);
    if (token === 'True') return true;
    if (token === 'False') return false;
    if (token === 'None') return null;
    const n = pythonNumber(token);
    return n === undefined ? FAIL : n;
  }
}

const INTEGER = /^-?(0|[1-9]\d*)$/;
const FLOAT = /^-?(\d+\.\d+(e[+-]\d{2,3})?|\d(\.\d+)?e[+-]\d{2,3})$/;

/**
 * The number Python prints as exactly `text`: an int (`42`, within 2^53 so no digit is lost) or a float in Python's
 * repr (`19.99`, `20.0`, `1e+16`, `1.5e-07`); else undefined (`01`, `+5`, `1.10`, `inf`, `nan` stay strings).
 */
export function pythonNumber(text: string): number | undefined {
  if (INTEGER.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) && !Object.is(n, -0) && String(n) === text ? n : undefined;
  }
  if (!FLOAT.test(text)) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) return undefined;
  return pythonFloatRepr(n) === text ? n : undefined;
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16 (two-digit exponent). */
export function pythonFloatRepr(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exponentText = '0'] = n.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = String(n);
  return fixed.includes('.') || fixed.includes('e') ? fixed : `${fixed}.0`;
}
