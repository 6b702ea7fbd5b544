import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface CaptureRequest {
  apiKey: string | undefined;
  events: Array<Record<string, unknown>>;
  bytes: number;
}

/** A body longer than the reader's limit: reading stopped there, nothing of it is kept. */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the request body is larger than ${maxBytes} bytes`);
  }
}

/**
 * The whole body of a request, or `BodyTooLargeError` as soon as it is known to exceed `maxBytes` (from its
 * Content-Length before reading anything, else from the bytes received so far): the reader then stops taking data
 * (the stream is paused) and drops what it had, so a sender cannot make the process hold more than `maxBytes`.
 */
export function readBody(req: IncomingMessage, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
  if (Number(req.headers['content-length']) > maxBytes) return Promise.reject(new BodyTooLargeError(maxBytes));
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      chunks = [];
      reject(new BodyTooLargeError(maxBytes));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/**
 * Decodes a capture request the way PostHog does: gzip by header or magic bytes; a single event, an array, or
 * `{"api_key"|"token","batch":[...]}` (docs/architecture.md, "PostHog: Hosts and routes").
 */
export function decodeCaptureRequest(raw: Buffer, contentEncoding: string | undefined): CaptureRequest {
  const gzipped = contentEncoding === 'gzip' || (raw[0] === 0x1f && raw[1] === 0x8b);
  const json: unknown = JSON.parse((gzipped ? gunzipSync(raw) : raw).toString('utf8'));
  if (Array.isArray(json)) return { apiKey: undefined, events: json, bytes: raw.length };
  const body = json as Record<string, unknown>;
  const apiKey = (body.api_key ?? body.token) as string | undefined;
  if (Array.isArray(body.batch)) return { apiKey, events: body.batch as Array<Record<string, unknown>>, bytes: raw.length };
  return { apiKey, events: [body], bytes: raw.length };
}

export const CAPTURE_PATHS = new Set(['/batch/', '/batch', '/capture/', '/capture', '/e/', '/e', '/i/v0/e/', '/i/v0/e', '/track']);
export const FLAGS_PATHS = new Set(['/flags/', '/flags', '/decide/', '/decide']);
