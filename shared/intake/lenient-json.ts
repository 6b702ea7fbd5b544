import { jsonrepair } from 'jsonrepair';
import type { FieldIssue } from '../mapping/warnings.ts';

/**
 * Reads a connector body as MoEngage renders it. Jinja pastes attribute values into the marketer's template raw, so a
 * value holding a line break, a tab, a `"` or a `\` breaks the JSON, and MoEngage does not retry a 400: a refused
 * body is a lost event (docs/mapping.md, "Lenient reading"). Valid JSON is read as it is. Otherwise `jsonrepair`
 * (a maintained library) repairs it, and the repair is kept only where the intended value is unambiguous:
 * - the body must still start with `{`/`[` and end with `}`/`]` (a truncated body is refused, never completed);
 * - the repair may only add characters (escapes, quotes) or turn Python's `'`, None, True, False into JSON: every
 *   character sent must still be there, in order, and every field name must have been quoted in the body (a repair
 *   that drops text or turns a value's words into new fields guessed wrong, and is refused);
 * - every string value that differs from the text sent is named in a warning, with what was repaired;
 * - a repaired value with an odd number of `"`, or holding `", "` or `": "`, could be two fields or one: refused.
 * `strict` (STRICT_MODE=1) turns every repair into a 400.
 */
export type LenientJson = { ok: true; value: unknown; repairs: FieldIssue[] } | { ok: false; message: string };

const FIX =
  "Fix the template: MoEngage pastes attribute values raw, so escape this one, e.g. {{UserAttribute['Name']|tojson}} in place of \"{{UserAttribute['Name']}}\" if your workspace accepts |tojson (check with the Test button; docs/mapping.md)";

/** Longer bodies are read as valid JSON only: one user's event is kilobytes, a repair ≈ 0.2 ms CPU per KiB (§7). */
export const MAX_REPAIR_CHARS = 128 * 1024;

export function readLenientJson(text: string, strict: boolean): LenientJson {
  let parseError: Error;
  try {
    return { ok: true, value: JSON.parse(text) as unknown, repairs: [] };
  } catch (error) {
    parseError = error as Error;
  }
  const refused = (why: string): LenientJson => ({
    ok: false,
    message: `is not valid JSON (${describeParseError(parseError, text)}); ${why}`,
  });
  const trimmed = text.trim();
  if (!/^[{[]/.test(trimmed) || !/[}\]]$/.test(trimmed)) return refused('it looks cut short or is not JSON at all');
  if (text.length > MAX_REPAIR_CHARS) return refused(`a body over ${MAX_REPAIR_CHARS / 1024} KiB is never repaired. ${FIX}`);
  let repairedText: string;
  let repaired: unknown;
  try {
    repairedText = jsonrepair(text);
    repaired = JSON.parse(repairedText) as unknown;
  } catch {
    return refused(`likely cause: an unescaped quote (") in an attribute value. ${FIX}`);
  }
  const walk: LeafWalk = { written: keysWritten(text), leaves: [] };
  if (!onlyAdds(text, repairedText) || inventedKey(repaired, '', walk)) {
    return refused(
      `it cannot be repaired without dropping part of it (an attribute pasted without quotes, or an unescaped quote or backslash). ${FIX}`,
    );
  }
  const repairs: FieldIssue[] = [];
  const sentEscaped = quotedContents(text);
  for (const [path, value] of walk.leaves) {
    if (sentEscaped.has(JSON.stringify(value).slice(1, -1))) continue;
    if (value.includes('"') && (/"\s*[,:]\s*"/.test(value) || (value.split('"').length - 1) % 2 === 1)) {
      return refused(
        `the value at ${path || '(body)'} holds an unescaped quote that could end it early: which fields were meant is ambiguous. ${FIX}`,
      );
    }
    repairs.push({ path: path || '(body)', message: `repaired: ${whatWasRepaired(value)} (the template pasted the attribute unescaped)` });
  }
  if (repairs.length === 0) {
    const why = describeParseError(parseError, text);
    repairs.push({
      path: '(body)',
      message: `repaired: the body was not valid JSON (${why}); single-quoted or Python values (None, True, False) were read as JSON`,
    });
  }
  if (strict) return refused(`STRICT_MODE refuses repairs: ${repairs.map((r) => `${r.path} ${r.message}`).join('; ')}`);
  return { ok: true, value: repaired, repairs };
}

const PYTHON_WORDS: Record<string, string> = { None: 'null', True: 'true', False: 'false' };
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKSLASH = 0x5c;
/** What `\s` matches in a JavaScript regex, tested on a code unit (a regex call per character was a hot spot). */
const SPACES = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);
const isSpace = (c: number): boolean => SPACES.has(c) || (c >= 0x2000 && c <= 0x200a);

/** Whether `after` holds every non-space character of `before`, in order (`'` may have become `"`). Linear. */
function onlyAdds(before: string, after: string): boolean {
  const a = before.replace(/\b(None|True|False)\b/g, (word) => PYTHON_WORDS[word] ?? word).replace(/\s+/g, '');
  const b = after.replace(/\s+/g, '');
  let i = 0;
  for (let j = 0; j < b.length && i < a.length; j++) {
    const wanted = a.charCodeAt(i);
    const got = b.charCodeAt(j);
    if (wanted === got || (wanted === APOSTROPHE && got === QUOTE)) i++;
  }
  return i === a.length;
}

interface LeafWalk {
  /** The field names the body wrote in quotes. */
  written: ReadonlySet<string>;
  /** Every string value JSON must escape, with its path (`properties.plan`, `batch.0.event`), in document order. */
  leaves: Array<[string, string]>;
}

/**
 * A field name of the repaired value that the body never wrote in quotes (jsonrepair made it up from a value); on
 * the way, collects the string values that needed escaping. One walk, a path built per container and per such value
 * only (a path per value, through nested generators, was most of the time on large bodies).
 */
function inventedKey(value: unknown, path: string, walk: LeafWalk): boolean {
  if (typeof value === 'string') {
    if (needsEscaping(value)) walk.leaves.push([path, value]);
    return false;
  }
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (inventedKey(value[i], path ? `${path}.${i}` : String(i), walk)) return true;
    return false;
  }
  for (const key of Object.keys(value)) {
    if (!walk.written.has(key)) return true;
    if (inventedKey((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, walk)) return true;
  }
  return false;
}

/**
 * Every name the body writes in quotes (`"name"` or `'name'`) followed by a colon: for each colon, the text between
 * the quote before it and the previous quote of the same kind. One pass (searching the body for each key of the
 * repaired value was quadratic on a body of many keys, issue 19): the backward searches of one quote kind never
 * cover the same text twice.
 */
function keysWritten(text: string): Set<string> {
  const keys = new Set<string>();
  for (let colon = text.indexOf(':'); colon !== -1; colon = text.indexOf(':', colon + 1)) {
    let close = colon - 1;
    while (close >= 0 && isSpace(text.charCodeAt(close))) close--;
    const quote = text[close];
    if (quote !== '"' && quote !== "'") continue;
    const open = text.lastIndexOf(quote, close - 1);
    if (open >= 0) keys.add(text.slice(open + 1, close));
  }
  return keys;
}

/**
 * The text between each two consecutive unescaped `"` of the body, and between each two unescaped `'`: where a
 * value sent correctly escaped stands whole. One pass, then a set lookup per value (searching the body for each
 * value was quadratic on a body of many values, issue 19).
 */
function quotedContents(text: string): Set<string> {
  const contents = new Set<string>();
  let lastQuote = -1;
  let lastApostrophe = -1;
  let backslashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === QUOTE || c === APOSTROPHE) && backslashes % 2 === 0) {
      const open = c === QUOTE ? lastQuote : lastApostrophe;
      if (open >= 0) contents.add(text.slice(open + 1, i));
      if (c === QUOTE) lastQuote = i;
      else lastApostrophe = i;
    }
    backslashes = c === BACKSLASH ? backslashes + 1 : 0;
  }
  return contents;
}

/** Whether JSON must escape something in the value: a `"`, a `\` or a control character (below U+0020). */
const needsEscaping = (value: string): boolean => someCode(value, (c) => c === QUOTE || c === BACKSLASH || c < 0x20);

/** A control character other than a line break or a tab. */
const isOtherControl = (c: number): boolean => c < 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09;

/** Whether some UTF-16 code unit of `value` passes `test` (a loop: no array of characters per value). */
function someCode(value: string, test: (code: number) => boolean): boolean {
  for (let i = 0; i < value.length; i++) if (test(value.charCodeAt(i))) return true;
  return false;
}

function whatWasRepaired(value: string): string {
  const kinds = [
    /[\n\r]/.test(value) && 'a raw line break',
    /\t/.test(value) && 'a raw tab',
    someCode(value, isOtherControl) && 'a raw control character',
    value.includes('"') && 'an unescaped quote',
    value.includes('\\') && 'an unescaped backslash',
  ].filter((k): k is string => typeof k === 'string');
  return `${kinds.join(', ') || 'an unescaped character'} inside the value was escaped`;
}

/** "line 3 column 14", from V8's "… at position N (line L column C)" or the position alone. */
function describeParseError(error: Error, text: string): string {
  const lineColumn = /line (\d+) column (\d+)/.exec(error.message);
  if (lineColumn) return `at line ${lineColumn[1]} column ${lineColumn[2]}`;
  const position = /position (\d+)/.exec(error.message);
  // V8's other messages quote the body around the error: never echo values, only where it went wrong.
  if (!position) return 'at an unexpected character';
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  return `at line ${line} column ${before.length - before.lastIndexOf('\n')}`;
}
