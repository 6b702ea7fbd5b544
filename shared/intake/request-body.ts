import { defineValue, isPlainObject } from '../mapping/coerce.ts';
import type { FieldIssue } from '../mapping/warnings.ts';
import { readLenientJson } from './lenient-json.ts';

export type BodyResult =
  | { ok: true; value: unknown; format: 'json' | 'form'; repairs?: FieldIssue[] }
  | { ok: false; status: 400 | 413 | 415; reason: string; errors: FieldIssue[] };

export interface RawBody {
  body: string | undefined;
  isBase64Encoded: boolean;
  contentType: string | undefined;
}

const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';
const JSON_TYPES = new Set(['', 'application/json', 'text/json', 'text/plain', 'application/x-json']);
/** `event=…&distinct_id=…`: a form body, whatever the content type claims (MoEngage headers are typed by hand). */
const LOOKS_LIKE_FORM = /^[^\s=&{}[\]"]+=/;
/** Any UTF-16 surrogate (paired or not): a body holding one is encoded to UTF-8 and decoded, as API Gateway's bytes. */
const SURROGATE = /[\uD800-\uDFFF]/;
const fail = (status: 400 | 413 | 415, reason: string, message: string): BodyResult => ({
  ok: false,
  status,
  reason,
  errors: [{ path: '(body)', message }],
});

/**
 * Decodes a request body as MoEngage sends it: JSON under any content type that can hold it (a "Raw" body comes as
 * text/plain, some requests have none), or a form (docs/architecture.md, "Public contract"). A body starting with `{` or `[`
 * is read as JSON and one shaped like `name=value&…` as a form, whichever of the two the header names.
 */
export function parseRequestBody(raw: RawBody, maxBytes: number, options: { strict?: boolean } = {}): BodyResult {
  const body = raw.body ?? '';
  // Text without surrogates is what decoding its UTF-8 bytes gives (but for a leading BOM, which the decoder drops):
  // it is measured, not encoded and decoded again (two copies of a 1 MiB body). The rest goes through the bytes.
  const bytes = raw.isBase64Encoded || SURROGATE.test(body) ? Buffer.from(body, raw.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  const size = bytes ? bytes.length : Buffer.byteLength(body, 'utf8');
  if (size > maxBytes) return fail(413, 'too_large', `is ${size} bytes; the limit is ${maxBytes}`);
  const mediaType = (raw.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_TYPES.has(mediaType) && !mediaType.endsWith('+json') && mediaType !== FORM && mediaType !== MULTIPART) {
    return fail(
      415,
      'unsupported_media_type',
      `content type "${mediaType}" is not supported: send JSON (application/json or text/plain) or a form (${FORM} or ${MULTIPART})`,
    );
  }
  let text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  try {
    if (bytes) text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fail(400, 'invalid_utf8', 'is not valid UTF-8');
  }
  const trimmed = text.trim();
  if (trimmed === '') return fail(400, 'empty_body', 'is empty: send the event as JSON');
  if (mediaType === MULTIPART) {
    const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(raw.contentType ?? '');
    const fields = parseMultipart(text, boundary?.[1] ?? boundary?.[2] ?? '');
    if (!fields) return fail(400, 'invalid_multipart', 'is not a valid multipart/form-data body (check the boundary)');
    return { ok: true, value: buildForm(fields), format: 'form' };
  }
  const first = trimmed[0];
  if (first !== '{' && first !== '[' && (mediaType === FORM || LOOKS_LIKE_FORM.test(trimmed))) {
    return { ok: true, value: parseForm(trimmed), format: 'form' };
  }
  const json = readLenientJson(text, options.strict ?? false);
  if (!json.ok) return fail(400, 'invalid_json', json.message);
  return { ok: true, value: json.value, format: 'json', ...(json.repairs.length > 0 && { repairs: json.repairs }) };
}

const NESTED_FIELDS = new Set(['properties', '$set', '$set_once']);
/** `properties.amount` or `properties[amount]`. */
const NESTED_NAME = /^([^.[]+)(?:\.(.+)|\[([^\]]+)\])$/;

/**
 * `event=x&distinct_id=y&properties.amount=1&$set.email=a` → `{event, distinct_id, properties:{amount}, $set:{email}}`.
 * `properties[amount]` works too; a name given twice yields a list of its values.
 */
export function parseForm(text: string): Record<string, unknown> {
  return buildForm(new URLSearchParams(text));
}

/** Text fields of a multipart/form-data body, in order; undefined if it is not one. */
export function parseMultipart(text: string, boundary: string): Array<[string, string]> | undefined {
  if (boundary === '') return undefined;
  const parts = text.split(`--${boundary}`);
  if (parts.length < 3 || !parts.at(-1)?.startsWith('--')) return undefined;
  const fields: Array<[string, string]> = [];
  for (const part of parts.slice(1, -1)) {
    const content = part.replace(/^\r?\n/, '');
    const split = /\r?\n\r?\n/.exec(content);
    if (!split) return undefined;
    const name = dispositionName(content.slice(0, split.index));
    if (!name) return undefined;
    fields.push([name, content.slice(split.index + split[0].length).replace(/\r?\n$/, '')]);
  }
  return fields;
}

/**
 * The `name="…"` parameter of a part's Content-Disposition header, read by splitting rather than with a regex: a
 * pattern like `[^\r\n]*;\s*name=` backtracks quadratically on a long header full of `;` (issue 19).
 */
function dispositionName(headers: string): string | undefined {
  const line = headers.split(/\r?\n/).find((l) => l.slice(0, 20).toLowerCase() === 'content-disposition:');
  const params =
    line
      ?.split(';')
      .slice(1)
      .map((p) => p.trim()) ?? [];
  const param = params.findLast((p) => p.startsWith('name="') && p.endsWith('"') && p.length > 7);
  return param?.slice(6, -1);
}

function buildForm(fields: Iterable<[string, string]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (target: Record<string, unknown>, key: string, value: string) => {
    const existing = Object.hasOwn(target, key) ? target[key] : undefined;
    // The lists are this function's own: appending in place keeps a field repeated n times linear (a copy per repeat was n²).
    if (Array.isArray(existing)) existing.push(value);
    else defineValue(target, key, existing === undefined ? value : [existing, value]);
  };
  for (const [key, value] of fields) {
    const match = NESTED_NAME.exec(key);
    const head = match?.[1];
    const name = match?.[2] ?? match?.[3];
    if (head !== undefined && name !== undefined && NESTED_FIELDS.has(head)) {
      const existing = Object.hasOwn(out, head) ? out[head] : undefined;
      const nested = isPlainObject(existing) ? existing : {};
      put(nested, name, value);
      defineValue(out, head, nested);
    } else {
      put(out, key, value);
    }
  }
  return out;
}
