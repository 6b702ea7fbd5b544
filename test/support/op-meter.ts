/**
 * Counts the work a synchronous function does, without a clock, so that a test can tell linear from quadratic code:
 * run it on a body of size n and 2n and compare the counts (test/intake/linear-parsing.test.ts).
 *
 * The count is the work of the primitives parsing code loops on, each charged for what it touches: a string search
 * for the characters it scanned (up to the match, or to the end when nothing matched), a slice or a case change for
 * the characters it produced, an array method for the elements it visits, each step of an array iterator (spread,
 * for…of, destructuring) as one, `JSON.parse`/`TextDecoder`/`URLSearchParams` for the text they read, a regex match
 * for the characters from where it started to where it ended. A copy per repeat (`[...list, value]`), a search
 * restarted from the top for every item, a split of the whole body per field: each shows up as n² in the count.
 *
 * What it cannot see: backtracking inside one regex match (charged as one pass; `regexesOnLongInput` lists every
 * regex that ran on a long input so that a test can check each with a ReDoS analyser), object spread, and loops
 * over plain indexes that call no primitive. Hand-written because no library counts operations this way: V8's
 * block coverage counts JavaScript blocks only, not the builtins (spread, regex, search) where these bugs lived.
 */
type Cost = (self: never, args: never[], result: never) => number;

const patches: Array<{ target: object; name: PropertyKey; original: unknown }> = [];
let active = false;
let ops = 0;
const seen = new Map<string, RegExp>();
/** Inputs at least this long are "long": a regex that ran on one is reported for the ReDoS check. */
const LONG_INPUT = 1024;

const len = (value: unknown): number => (typeof value === 'string' || Array.isArray(value) ? value.length : 0);
const from = (value: unknown): number => Math.max(0, Math.trunc(Number(value ?? 0)) || 0);
/** A forward search: up to the end of the match, or to the end when nothing matched. */
const search = (self: string, args: unknown[], at: number): number =>
  at < 0 ? self.length - from(args[1]) : at - from(args[1]) + String(args[0]).length;

function patch(target: object, name: PropertyKey, cost: Cost): void {
  const original = Reflect.get(target, name) as (...args: unknown[]) => unknown;
  patches.push({ target, name, original });
  Object.defineProperty(target, name, {
    configurable: true,
    writable: true,
    value: function metered(this: unknown, ...args: unknown[]) {
      const result = original.apply(this, args);
      if (active) ops += Math.max(1, (cost as (s: unknown, a: unknown[], r: unknown) => number)(this, args, result));
      return result;
    },
  });
}

const SELF = (self: string | unknown[]) => self.length;
const RESULT = (_: unknown, __: unknown[], result: unknown) => len(result);
const ONE = () => 1;

function install(): void {
  const S = String.prototype;
  const indexOf = S.indexOf;
  patch(S, 'indexOf', ((self: string, args: unknown[], at: number) => search(self, args, at)) as Cost);
  patch(S, 'includes', ((self: string, args: unknown[]) => search(self, args, indexOf.call(self, String(args[0]), from(args[1])))) as Cost);
  patch(
    S,
    'lastIndexOf',
    ((self: string, args: unknown[], at: number) =>
      Math.min(self.length, args[1] === undefined ? self.length : from(args[1])) - Math.max(at, 0) + String(args[0]).length) as Cost,
  );
  for (const name of ['startsWith', 'endsWith'] as const) patch(S, name, ((_: string, args: unknown[]) => String(args[0]).length) as Cost);
  for (const name of ['slice', 'substring', 'substr', 'padStart', 'padEnd', 'repeat', 'concat'] as const) patch(S, name, RESULT as Cost);
  for (const name of ['trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'normalize', 'isWellFormed'] as const) {
    patch(S, name, SELF as Cost);
  }
  // A string separator or pattern scans the whole string; a regex one is charged by its own exec calls.
  for (const name of ['split', 'replace', 'replaceAll'] as const) {
    patch(
      S,
      name,
      ((self: string, args: unknown[], result: unknown) =>
        (args[0] instanceof RegExp ? 0 : self.length) + (typeof result === 'string' ? result.length : 0)) as Cost,
    );
  }
  for (const name of ['charAt', 'charCodeAt', 'codePointAt', 'at'] as const) patch(S, name, ONE as Cost);
  patch(S, Symbol.iterator, SELF as Cost);

  // Patching exec sends test, match, replace, split and search through it (ECMA-262 RegExpExec).
  const lastIndexBefore = new WeakMap<RegExp, number>();
  const exec = RegExp.prototype.exec;
  patches.push({ target: RegExp.prototype, name: 'exec', original: exec });
  Object.defineProperty(RegExp.prototype, 'exec', {
    configurable: true,
    writable: true,
    value: function meteredExec(this: RegExp, input: string) {
      const start = this.global || this.sticky ? this.lastIndex : 0;
      lastIndexBefore.set(this, start);
      const match = exec.call(this, input);
      if (active) {
        const text = String(input);
        ops += Math.max(1, match ? match.index + match[0].length - start : this.sticky ? 1 : text.length - start);
        if (text.length >= LONG_INPUT) seen.set(`/${this.source}/${this.flags}`, this);
      }
      return match;
    },
  });

  const A = Array.prototype;
  for (const name of ['slice', 'map', 'filter', 'forEach', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex'] as const) {
    patch(A, name, SELF as Cost);
  }
  for (const name of [
    'reduce',
    'join',
    'reverse',
    'indexOf',
    'includes',
    'lastIndexOf',
    'fill',
    'sort',
    'flat',
    'flatMap',
    'splice',
  ] as const) {
    patch(A, name, SELF as Cost);
  }
  patch(A, 'concat', ((self: unknown[], _: unknown[], result: unknown[]) => self.length + result.length) as Cost);
  patch(A, 'push', ((_: unknown[], args: unknown[]) => args.length) as Cost);
  patch(A, 'unshift', ((self: unknown[], args: unknown[]) => self.length + args.length) as Cost);
  for (const name of [Symbol.iterator, 'entries', 'values', 'keys'] as const) {
    const original = Reflect.get(A, name) as (this: unknown[]) => Iterator<unknown>;
    patches.push({ target: A, name, original });
    Object.defineProperty(A, name, {
      configurable: true,
      writable: true,
      value: function meteredIterator(this: unknown[]) {
        const inner = original.call(this);
        return {
          next: () => {
            if (active) ops += 1;
            return inner.next();
          },
          [Symbol.iterator]() {
            return this;
          },
        };
      },
    });
  }
  patch(Array, 'from', RESULT as Cost);
  for (const name of ['entries', 'keys', 'values', 'fromEntries', 'assign'] as const) {
    patch(Object, name, ((_: unknown, args: unknown[], result: unknown) =>
      Array.isArray(result) ? result.length : len(args[0]) + 1) as Cost);
  }
  patch(JSON, 'parse', ((_: unknown, args: unknown[]) => len(args[0])) as Cost);
  patch(JSON, 'stringify', RESULT as Cost);
  patch(TextDecoder.prototype, 'decode', ((_: unknown, args: unknown[]) => (args[0] as Uint8Array | undefined)?.byteLength ?? 0) as Cost);
  patch(Buffer, 'from', ((_: unknown, __: unknown[], result: Buffer) => result.length) as Cost);
  patch(Buffer, 'concat', ((_: unknown, __: unknown[], result: Buffer) => result.length) as Cost);
  for (const C of [Map, Set]) {
    for (const name of ['get', 'set', 'has', 'add', 'delete'] as const) if (name in C.prototype) patch(C.prototype, name, ONE as Cost);
  }
  const Params = globalThis.URLSearchParams;
  patches.push({ target: globalThis, name: 'URLSearchParams', original: Params });
  globalThis.URLSearchParams = class MeteredParams extends Params {
    constructor(init?: ConstructorParameters<typeof URLSearchParams>[0]) {
      super(init);
      if (active) ops += typeof init === 'string' ? init.length : 1;
    }
  };
}

/** Patches the primitives (once per test file: call in beforeAll, and `uninstallMeter` in afterAll). */
export function installMeter(): void {
  if (patches.length === 0) install();
}

export function uninstallMeter(): void {
  for (const { target, name, original } of patches.reverse()) {
    Object.defineProperty(target, name, { configurable: true, writable: true, value: original });
  }
  patches.length = 0;
}

/**
 * The operations `fn` performed, and the regexes it ran on a long input. `fn` may be async: the count then runs until
 * it settles, so nothing else may run meanwhile (a test awaiting one request at a time).
 */
export async function countOps(fn: () => unknown): Promise<{ ops: number; regexesOnLongInput: RegExp[] }> {
  if (patches.length === 0) throw new Error('countOps: call installMeter() first');
  ops = 0;
  seen.clear();
  active = true;
  try {
    await fn();
  } finally {
    active = false;
  }
  return { ops, regexesOnLongInput: [...seen.values()] };
}
