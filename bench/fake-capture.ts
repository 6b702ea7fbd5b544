import { createServer, type Server } from 'node:http';
import { CAPTURE_PATHS, decodeCaptureRequest, readBody } from '../local/capture-protocol.ts';
import { closeServer, listenOnLoopback } from '../local/loopback.ts';

/** What the recording fake has seen since it started or was last reset. */
export interface CaptureStats {
  requests: number;
  /** Bytes on the wire: request line, headers and body as received. */
  bytes: number;
  bodyBytes: number;
  events: number;
  /** Distinct event uuids (events without a uuid are counted under `withoutUuid`). */
  uniqueUuids: number;
  withoutUuid: number;
  /** CPU seconds the fake itself used (user + system), a proxy for what the requests cost the receiving side. */
  cpuSeconds: number;
  /** Capture requests answered 503 while the fake played an outage (`setDown(true)`). */
  refused: number;
  /** When the last new uuid arrived (epoch ms; 0 before any): the end of a drain, measured where it happens. */
  lastNewUuidAt: number;
}

export interface RecordingFake {
  url: string;
  stats(): CaptureStats;
  uuids(): ReadonlySet<string>;
  reset(): void;
  /** Plays a PostHog outage: every capture request is answered 503 and recorded as refused, not as delivered. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/**
 * A PostHog capture endpoint on 127.0.0.1 for benchmarks: answers every capture route like PostHog
 * (200 {"status":"Ok"}, after `delayMs` if given), decodes gzip and every body shape, and records requests, bytes and event uuids only
 * (not the events, so 50,000 of them cost little memory).
 */
export async function startRecordingFake(options: { delayMs?: number } = {}): Promise<RecordingFake> {
  const delayMs = options.delayMs ?? 0;
  let uuids = new Set<string>();
  let counters = { requests: 0, bytes: 0, bodyBytes: 0, events: 0, withoutUuid: 0, refused: 0, lastNewUuidAt: 0 };
  let down = false;
  let cpuStart = process.cpuUsage();

  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const raw = await readBody(req);
    if (req.method !== 'POST' || !CAPTURE_PATHS.has(path)) {
      res.writeHead(404).end('not found');
      return;
    }
    if (down) {
      // What PostHog's load balancer answers while capture is down (a 503 is retryable for every client).
      counters.refused += 1;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable');
      return;
    }
    let events: Array<Record<string, unknown>>;
    try {
      events = decodeCaptureRequest(raw, req.headers['content-encoding']).events;
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`failed to parse request: ${(error as Error).message}`);
      return;
    }
    // Request line + header lines as sent (rawHeaders keeps names and values), plus the blank line and the body.
    let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`.length + 2;
    for (let i = 0; i < req.rawHeaders.length; i += 2) head += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`.length;
    counters.requests += 1;
    counters.bytes += head + raw.length;
    counters.bodyBytes += raw.length;
    counters.events += events.length;
    const before = uuids.size;
    for (const event of events) {
      if (typeof event.uuid === 'string') uuids.add(event.uuid);
      else counters.withoutUuid += 1;
    }
    if (uuids.size > before) counters.lastNewUuidAt = Date.now();
    // An optional delay stands for the network round trip to PostHog (loopback has none).
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"Ok"}');
  });
  server.keepAliveTimeout = 30_000;
  const url = await listenOnLoopback(server);

  return {
    url,
    stats: () => {
      const cpu = process.cpuUsage(cpuStart);
      return { ...counters, uniqueUuids: uuids.size, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    },
    uuids: () => uuids,
    reset: () => {
      uuids = new Set();
      counters = { requests: 0, bytes: 0, bodyBytes: 0, events: 0, withoutUuid: 0, refused: 0, lastNewUuidAt: 0 };
      cpuStart = process.cpuUsage();
      down = false;
    },
    setDown: (value) => {
      down = value;
    },
    close: () => closeServer(server),
  };
}
