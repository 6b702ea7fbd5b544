import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { CAPTURE_PATHS, type CaptureRequest, decodeCaptureRequest, FLAGS_PATHS, readBody } from '../../local/capture-protocol.ts';
import { closeServer, listenOnLoopback } from '../../local/loopback.ts';
import { answerFlags } from './fake-flags.ts';

/** What the fake answers to one capture request. Default: 200 {"status":"Ok"} and every event stored. */
export interface FakeReply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (to exceed the client's timeout). */
  delayMs?: number;
  /** Reset the connection instead of answering. */
  destroy?: boolean;
  /** Store only the first N events of this request (partial acceptance); default: all on 2xx, none otherwise. */
  store?: number;
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  capture: CaptureRequest;
  /** The decoded (gunzipped) request body, to check that resends are byte-identical. */
  text: string;
  /** Epoch ms when the request's body had fully arrived. */
  at: number;
}

export type FakeBehaviour = (request: ReceivedRequest, index: number) => FakeReply;

/** A PostHog capture server on 127.0.0.1 that records what it receives and can inject faults. */
export interface FakePostHog {
  url: string;
  requests: ReceivedRequest[];
  /** Events stored (accepted), in arrival order, duplicates included. */
  events: Array<Record<string, unknown>>;
  flagsRequests: Array<Record<string, unknown>>;
  /** The path of each flags request, in order (`/flags/`, `/decide/`). */
  flagsPaths: string[];
  behave(behaviour: FakeBehaviour): void;
  /** Valid project keys for the flags endpoint (401 for others); empty = accept any non-empty key. See fake-flags.ts. */
  validKeys: Set<string>;
  /** Answer every flags request (/flags/, /decide/) with this reply instead, e.g. 404 for an older self-hosted PostHog. */
  behaveFlags(reply: FakeReply | undefined): void;
  /** Stops listening (new connections are refused) until `acceptConnections`, which listens on the same port again. */
  refuseConnections(): Promise<void>;
  acceptConnections(): Promise<void>;
  /** Resolves when at least `count` events are stored; rejects after `timeoutMs` naming what never arrived. */
  waitForEvents(count: number, timeoutMs?: number): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export async function startFakePostHog(initial?: FakeBehaviour): Promise<FakePostHog> {
  let behaviour: FakeBehaviour = initial ?? (() => ({}));
  const requests: ReceivedRequest[] = [];
  const events: Array<Record<string, unknown>> = [];
  const flagsRequests: Array<Record<string, unknown>> = [];
  const flagsPaths: string[] = [];
  const validKeys = new Set<string>();
  let flagsReply: FakeReply | undefined;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const raw = await readBody(req);
    if (req.method === 'POST' && FLAGS_PATHS.has(path)) {
      const text = raw.toString('utf8');
      flagsRequests.push(parseOrRaw(text));
      flagsPaths.push(path);
      if (flagsReply) {
        res.writeHead(flagsReply.status ?? 200, { 'content-type': 'text/plain', ...flagsReply.headers }).end(flagsReply.body ?? '');
        return;
      }
      const answer = answerFlags(text, validKeys);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      return;
    }
    if (req.method !== 'POST' || !CAPTURE_PATHS.has(path)) {
      res.writeHead(404).end('not found');
      return;
    }
    let capture: CaptureRequest;
    try {
      capture = decodeCaptureRequest(raw, req.headers['content-encoding']);
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`failed to parse request: ${(error as Error).message}`);
      return;
    }
    const text = (req.headers['content-encoding'] === 'gzip' || (raw[0] === 0x1f && raw[1] === 0x8b) ? gunzipSync(raw) : raw).toString(
      'utf8',
    );
    const received: ReceivedRequest = { path, headers: req.headers, capture, text, at: Date.now() };
    requests.push(received);
    const reply = behaviour(received, requests.length - 1);
    const status = reply.status ?? 200;
    const stored = reply.store ?? (status >= 200 && status < 300 ? capture.events.length : 0);
    events.push(...capture.events.slice(0, stored));
    if (stored > 0) notify();
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (reply.destroy) {
      req.socket.destroy();
      return;
    }
    res
      .writeHead(status, { 'content-type': 'application/json', ...reply.headers })
      .end(reply.body ?? (status < 300 ? '{"status":"Ok"}' : `HTTP ${status}`));
  });
  const url = await listenOnLoopback(server);

  return {
    url,
    requests,
    events,
    flagsRequests,
    flagsPaths,
    validKeys,
    behave: (next) => {
      behaviour = next;
    },
    behaveFlags: (reply) => {
      flagsReply = reply;
    },
    refuseConnections: () => closeServer(server),
    acceptConnections: async () => {
      await listenOnLoopback(server, Number(new URL(url).port));
    },
    waitForEvents: (count, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (events.length < count) return;
          cleanup();
          resolve(events);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `fake PostHog: expected ${count} event(s) within ${timeoutMs} ms, got ${events.length} (${requests.length} request(s))`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: () => closeServer(server),
  };
}

/** A flags request body as the test sees it: the parsed object, or `{ raw }` when it is not JSON. */
function parseOrRaw(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : { raw: text };
  } catch {
    return { raw: text };
  }
}
