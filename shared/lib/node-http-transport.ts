import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { HttpAnswer, HttpTransport, PoolOptions, PooledTransport } from './http-transport.ts';

/** A TCP or TLS connect slower than the pool's `connectTimeoutMs`: a timeout `describeRequestFailure` recognises. */
export const connectTimeoutError = (ms: number): Error =>
  Object.assign(new Error(`connect timed out after ${ms} ms`), { code: 'ETIMEDOUT' });

function answerOf(response: IncomingMessage, text: string): HttpAnswer {
  const header = (name: string) => {
    const value = response.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return { status: response.statusCode ?? 0, header, text };
}

/**
 * Fails the request when a socket new to the pool is still connecting (TCP, then TLS for https) after `ms`.
 * A socket that connected once (`connected`) is a reused keep-alive one: nothing to bound.
 */
function boundConnect(socket: Socket, secure: boolean, connected: WeakSet<Socket>, ms: number, fail: (error: Error) => void): void {
  if (connected.has(socket)) return;
  if (!secure && !socket.connecting) {
    connected.add(socket);
    return;
  }
  const timer = setTimeout(() => fail(connectTimeoutError(ms)), ms);
  socket.once(secure ? 'secureConnect' : 'connect', () => {
    connected.add(socket);
    clearTimeout(timer);
  });
  socket.once('close', () => clearTimeout(timer));
}

/**
 * The pool of the deployed functions (forwarder, prober, cohort sync): Node's own `http.Agent`/`https.Agent`
 * (nodejs.org/api/http.html#class-httpagent) with `keepAlive`, at most `connections` sockets per origin
 * (`maxSockets`, further requests wait in the agent's queue), idle ones closed after `keepAliveTimeoutMs` (the
 * agent's `timeout` on a free socket, shortened by the server's `Keep-Alive: timeout=` hint).
 *
 * Why built-in Node and not undici's `Agent` (used here before) or the built-in `fetch`: the same pool control as
 * undici with none of its weight (forwarder bundle 1,107 → 368 kB, of which undici was 738; init 105 → 58 ms) and
 * less CPU per event (43–44 against undici's 49–55 µs at 100 records per invocation, 36 against 39–40 at 1,000);
 * `fetch` weighs nothing in the bundle but has no pool we can bound, loads Node's internal undici on its first request
 * (~53 ms of the first invocation) and cost the most CPU (59–63 µs). Figures and how they were measured:
 * docs/architecture.md, "The HTTP transports".
 *
 * The whole request (waiting for a socket, connect, send, headers, body) is bounded by `AbortSignal.timeout(timeoutMs)`:
 * when it fires, the promise rejects with the signal's `TimeoutError` (as undici and fetch do) and the request is
 * destroyed. The connect alone is bounded
 * by `connectTimeoutMs` (Node's agent has no connect timeout of its own: `timeout` is the idle timeout).
 */
export function createNodeHttpTransport(options: PoolOptions): PooledTransport {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.connections,
    maxFreeSockets: options.connections,
    timeout: options.keepAliveTimeoutMs,
  };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  const connected = new WeakSet<Socket>();
  const send: HttpTransport = ({ method, url, headers, body, timeoutMs }) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const signal = AbortSignal.timeout(timeoutMs);
      const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        { method, headers: { ...headers, ...length }, agent: secure ? agents.https : agents.http },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', fail);
          response.on('end', () => {
            signal.removeEventListener('abort', timedOut);
            resolve(answerOf(response, Buffer.concat(chunks).toString('utf8')));
          });
        },
      );
      function fail(error: Error) {
        signal.removeEventListener('abort', timedOut);
        reject(error);
      }
      // Rejects at once, also while the request still waits in the agent's queue for a free socket (a request
      // destroyed there reports its error only once a socket frees up).
      function timedOut() {
        reject(signal.reason);
        request.destroy();
      }
      signal.addEventListener('abort', timedOut, { once: true });
      request.on('error', fail);
      request.on('socket', (socket) =>
        boundConnect(socket, secure, connected, options.connectTimeoutMs, (error) => request.destroy(error)),
      );
      request.end(body);
    });
  return {
    send,
    close: async () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
