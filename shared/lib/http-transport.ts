/** One HTTP request as the PostHog and cohort-sync clients send it. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  /** Whole-request timeout: connect, send, headers and body. */
  timeoutMs: number;
}

/** An answer, its body read whole. */
export interface HttpAnswer {
  status: number;
  /** A response header by its lower-case name (the first value if it came more than once). */
  header(name: string): string | undefined;
  text: string;
}

/**
 * Sends one request and reads the answer. Throws when no answer came (refused, reset, timed out): the error is one
 * `describeRequestFailure` (request-failure.ts) reads. Two implementations: `fetchTransport` (below, Node's built-in
 * fetch: no pool of our own, for the intake's rare `?verify=1`) and `createNodeHttpTransport` (node-http-transport.ts:
 * Node's `http.Agent`, a pool of bounded size with keep-alive, for the forwarder, prober and cohort sync).
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpAnswer>;

/** The pool of one client: at most `connections` sockets per origin, idle ones kept `keepAliveTimeoutMs`. */
export interface PoolOptions {
  connections: number;
  keepAliveTimeoutMs: number;
  /** A TCP/TLS connect slower than this fails at once; the request's own timeout still bounds the whole request. */
  connectTimeoutMs: number;
}

/** A transport with its own pool, built once per container (module scope) and reused across invocations. */
export interface PooledTransport {
  send: HttpTransport;
  /** Closes the pool's sockets (CLI and tests; a Lambda keeps its pool for the container's life). */
  close(): Promise<void>;
}

/**
 * Node's built-in fetch (nodejs.org/api/globals.html#fetch), timed out by `AbortSignal.timeout`
 * (developer.mozilla.org/docs/Web/API/AbortSignal/timeout_static): its pool is Node's own global keep-alive one.
 */
export const fetchTransport: HttpTransport = async ({ method, url, headers, body, timeoutMs }) => {
  const signal = AbortSignal.timeout(timeoutMs);
  const response = await fetch(url, { method, headers, body: body ?? null, signal });
  const text = await response.text();
  return { status: response.status, header: (name) => response.headers.get(name) ?? undefined, text };
};
