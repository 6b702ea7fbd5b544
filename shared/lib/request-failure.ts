/**
 * Timeouts other than the request's own: the connect timeout of the node:http pool (`connectTimeoutError`,
 * node-http-transport.ts) and of the OS (both ETIMEDOUT), and the undici timeouts built-in fetch can report as cause.
 */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * What went wrong with an HTTP request that got no response: a node:http error (ECONNREFUSED, ECONNRESET
 * "socket hang up", the pool's ETIMEDOUT connect timeout), a fetch error, or the AbortSignal timeout.
 */
export interface RequestFailure {
  /** The request's own timeout (AbortSignal) fired. */
  aborted: boolean;
  /** Any timeout: the AbortSignal, a connect timeout, or fetch's (undici's) headers/body timeouts. */
  timedOut: boolean;
  /** The socket's or fetch's error code, else the error's name (e.g. ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET). */
  code: string;
  /** `timed out after N ms`, or `<code>: <message>`. */
  message: string;
}

/** `code` is a string on Node's and undici's errors, but a number on a DOMException (23 on the TimeoutError). */
type RequestError = Error & { code?: string | number; cause?: unknown };

/**
 * Built-in fetch rejects with `TypeError: fetch failed` and the socket's or undici's error as its `cause`
 * (nodejs.org/api/globals.html#fetch is undici's fetch): the cause is what went wrong.
 */
const underlying = (error: RequestError): RequestError =>
  error.name === 'TypeError' && error.cause instanceof Error ? (error.cause as RequestError) : error;

export function describeRequestFailure(error: unknown, timeoutMs: number): RequestFailure {
  const err = underlying(error as RequestError);
  const aborted = err.name === 'TimeoutError' || err.name === 'AbortError';
  const code = typeof err.code === 'string' ? err.code : err.name;
  return {
    aborted,
    timedOut: aborted || TIMEOUT_CODES.has(code),
    code,
    message: aborted ? `timed out after ${timeoutMs} ms` : `${code}: ${err.message}`,
  };
}
