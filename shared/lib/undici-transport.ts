import { Agent, request } from 'undici';
import type { HttpTransport } from './http-transport.ts';

/** The pool of one client: at most `connections` sockets per origin, idle ones kept `keepAliveTimeoutMs`. */
export interface PoolOptions {
  connections: number;
  keepAliveTimeoutMs: number;
  /** A TCP/TLS connect slower than this fails at once; the request's own timeout still bounds the whole request. */
  connectTimeoutMs: number;
}

export interface UndiciTransport {
  send: HttpTransport;
  /** Closes the pool's sockets (CLI and tests; a Lambda keeps its pool for the container's life). */
  close(): Promise<void>;
}

/**
 * The project's one use of undici (undici.nodejs.org, `Agent` and `request`): where the pool's size and keep-alive
 * matter (the forwarder's PostHog client reused across invocations, cohort sync). The intake's `?verify=1` uses
 * `fetchTransport` instead and so carries no undici in its bundle (docs/benchmarks.md, section 4).
 */
export function createUndiciTransport(options: PoolOptions): UndiciTransport {
  const dispatcher = new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs,
    connections: options.connections,
    connect: { timeout: options.connectTimeoutMs },
  });
  const send: HttpTransport = async ({ method, url, headers, body, timeoutMs }) => {
    const response = await request(url, {
      method,
      dispatcher,
      headers,
      body: body ?? null,
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    const header = (name: string) => {
      const value = response.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    return { status: response.statusCode, header, text };
  };
  return { send, close: () => dispatcher.close() };
}
