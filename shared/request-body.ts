import { defineValue, isPlainObject } from './coerce.ts';
import type { FieldIssue } from './warnings.ts';

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; errors: FieldIssue[] };

export interface RawBody {
  body: string | undefined;
  isBase64Encoded: boolean;
  contentType: string | undefined;
}

/**
 * Decodes a request body as MoEngage sends it: JSON under any content type that can hold it (a "Raw" body comes as
 * text/plain, some requests have none), or a form (DESIGN.md, "Public contract").
 */
export function parseRequestBody(raw: RawBody, maxBytes: number): BodyResult {
  const bytes = raw.body === undefined ? Buffer.alloc(0) : Buffer.from(raw.body, raw.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > maxBytes) {
    return { ok: false, status: 413, errors: [{ path: '(body)', message: `is ${bytes.length} bytes; the limit is ${maxBytes}` }] };
  }
  const mediaType = (raw.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!isJsonCapable(mediaType) && mediaType !== 'application/x-www-form-urlencoded') {
    return {
      ok: false,
      status: 415,
      errors: [
        {
          path: '(body)',
          message: `content type "${mediaType}" is not supported: send JSON (application/json or text/plain) or a form (application/x-www-form-urlencoded)`,
        },
      ],
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, status: 400, errors: [{ path: '(body)', message: 'is not valid UTF-8' }] };
  }
  if (text.trim() === '') return { ok: false, status: 400, errors: [{ path: '(body)', message: 'is empty: send the event as JSON' }] };
  if (mediaType === 'application/x-www-form-urlencoded') return { ok: true, value: parseForm(text) };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, status: 400, errors: [{ path: '(body)', message: `is not valid JSON: ${(error as Error).message}` }] };
  }
}

const isJsonCapable = (mediaType: string): boolean =>
  mediaType === '' || mediaType === 'application/json' || mediaType === 'text/plain' || mediaType.endsWith('+json');

const NESTED_FIELDS = ['properties', '$set', '$set_once'];

/** `event=x&distinct_id=y&properties.amount=1&$set.email=a` → `{event, distinct_id, properties:{amount}, $set:{email}}`. */
export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const dot = key.indexOf('.');
    const head = dot > 0 ? key.slice(0, dot) : key;
    if (dot > 0 && NESTED_FIELDS.includes(head)) {
      const existing = out[head];
      const nested = isPlainObject(existing) ? existing : {};
      defineValue(nested, key.slice(dot + 1), value);
      defineValue(out, head, nested);
    } else {
      defineValue(out, key, value);
    }
  }
  return out;
}
