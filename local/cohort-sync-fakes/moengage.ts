import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../loopback.ts';
import { slidingWindow } from './window.ts';

export interface MoEngageRequest {
  at: number;
  headers: IncomingHttpHeaders;
  bytes: number;
  body: { action: string; partner: string; parameters: { cohort_name: string; cohort_id: string; members: Array<{ uid: string }> } };
  status: number;
}

export interface FakeMoEngageReply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Drop the connection without answering. */
  destroy?: boolean;
}

/**
 * MoEngage's Cohort Sync API on 127.0.0.1 (`POST /v1/integrations/cohortsync`), as documented in
 * moengage/moengage-documentation api/cohort-audience/cohort-audience.yaml and api/rate-limits.mdx: Basic auth and
 * MOE-APPKEY, 413 over 128 KB, 429 over `ratePerMinute` requests per minute of its clock (the workspace's whole
 * 300/min: `otherTraffic` plays the workspace's other integrations), `x-ratelimit-limit`, `x-ratelimit-remaining`
 * and `x-ratelimit-reset` (UTC epoch seconds) on every answer and no Retry-After, 200 "accepted and will be processed
 * soon". It keeps each segment's membership (by cohort_id) so tests and the demo can compare it with the cohort.
 */
export interface FakeMoEngage {
  url: string;
  requests: MoEngageRequest[];
  /** Accepted requests only. */
  accepted(): MoEngageRequest[];
  segment(cohortId: string): Set<string>;
  segments: Map<string, { name: string; members: Set<string> }>;
  intercept(hook: ((request: MoEngageRequest, index: number) => FakeMoEngageReply | undefined) | undefined): void;
  /** Requests other integrations of the workspace make now: they count against the shared limit. */
  otherTraffic(count: number): void;
  close(): Promise<void>;
}

export const MOENGAGE_LIMIT_BYTES = 128_000;

export interface FakeMoEngageOptions {
  appId?: string;
  apiKey?: string;
  /** The clock the rate limit is checked on (the test's fake clock); default Date.now. */
  now?: () => number;
  ratePerMinute?: number;
}

export async function startFakeMoEngage(options: FakeMoEngageOptions = {}): Promise<FakeMoEngage> {
  const { appId = 'WORKSPACE1', apiKey = 'data-api-key', now = Date.now, ratePerMinute = 300 } = options;
  const window = slidingWindow(ratePerMinute, 60_000);
  const requests: MoEngageRequest[] = [];
  const segments = new Map<string, { name: string; members: Set<string> }>();
  let hook: ((request: MoEngageRequest, index: number) => FakeMoEngageReply | undefined) | undefined;
  const expectedAuth = `Basic ${Buffer.from(`${appId}:${apiKey}`).toString('base64')}`;
  let resetAt = 0;
  const limitHeaders = () => ({
    'x-ratelimit-limit': String(ratePerMinute),
    'x-ratelimit-remaining': String(window.remaining(now())),
    'x-ratelimit-reset': String(Math.ceil(Math.max(resetAt, now() + 1) / 1000)),
  });

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const fail = (status: number, message: string, type: string) => {
      res
        .writeHead(status, { 'content-type': 'application/json', ...limitHeaders() })
        .end(JSON.stringify({ status: 'fail', error: { message, type, request_id: 'fake' } }));
    };
    if (req.method !== 'POST' || req.url !== '/v1/integrations/cohortsync') return fail(404, 'not found', 'Not Found');
    let body: MoEngageRequest['body'];
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(400, 'Could not decode the request body.', 'Malformed JSON');
    }
    const request: MoEngageRequest = { at: now(), headers: req.headers, bytes: raw.length, body, status: 0 };
    requests.push(request);
    const injected = hook?.(request, requests.length - 1);
    if (injected?.destroy) {
      request.status = -1;
      req.socket.destroy();
      return;
    }
    if (injected) {
      request.status = injected.status;
      res.writeHead(injected.status, { 'content-type': 'application/json', ...injected.headers }).end(injected.body ?? '{"status":"fail"}');
      return;
    }
    const answer = (status: number, message: string, type: string) => {
      request.status = status;
      fail(status, message, type);
    };
    if (req.headers.authorization !== expectedAuth) return answer(401, 'App Secret key mismatch.', 'Authentication required');
    if (req.headers['moe-appkey'] !== appId) return answer(401, 'App key mismatch in params and authentication', 'Authentication Mismatch');
    if (!String(req.headers['content-type']).startsWith('application/json'))
      return answer(415, 'Content type is not supported', 'Unsupported media type');
    const slot = window.take(request.at);
    if (!slot.ok) {
      resetAt = request.at + slot.waitMs;
      return answer(429, 'Rate limits for customers exceeded. Please Try After Some Time', 'Rate Limits Exceeded');
    }
    if (raw.length > MOENGAGE_LIMIT_BYTES) return answer(413, 'Payload can not exceed 128KB', 'Payload too large');
    if (body.action !== 'add_members' && body.action !== 'remove_members')
      return answer(400, 'action is not found in the payload', 'MissingAttributeError');
    const { cohort_id, cohort_name, members } = body.parameters ?? {};
    if (!cohort_id || !cohort_name || !Array.isArray(members)) return answer(400, 'parameters are missing', 'MissingAttributeError');
    const segment = segments.get(cohort_id) ?? { name: cohort_name, members: new Set<string>() };
    segments.set(cohort_id, segment);
    for (const { uid } of members) {
      if (body.action === 'add_members') segment.members.add(uid);
      else segment.members.delete(uid);
    }
    request.status = 200;
    res
      .writeHead(200, { 'content-type': 'application/json', ...limitHeaders() })
      .end(JSON.stringify({ status: 'success', message: 'Your request has been accepted and will be processed soon.' }));
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    requests,
    accepted: () => requests.filter((r) => r.status === 200),
    segment: (cohortId) => segments.get(cohortId)?.members ?? new Set(),
    segments,
    intercept: (next) => {
      hook = next;
    },
    otherTraffic: (count) => {
      for (let i = 0; i < count; i++) window.take(now());
    },
    close: () => closeServer(server),
  };
}
