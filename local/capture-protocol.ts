import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface CaptureRequest {
  apiKey: string | undefined;
  events: Array<Record<string, unknown>>;
  bytes: number;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
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
