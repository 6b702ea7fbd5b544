const UNDICI_TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** What went wrong with an HTTP request that got no response (undici or fetch error, or the AbortSignal timeout). */
export interface RequestFailure {
  /** The request's own timeout (AbortSignal) fired. */
  aborted: boolean;
  /** Any timeout: the AbortSignal, or undici's connect/headers/body timeouts. */
  timedOut: boolean;
  /** undici's or the socket's error code, else the error's name (e.g. ECONNRESET, UND_ERR_SOCKET). */
  code: string;
  /** `timed out after N ms`, or `<code>: <message>`. */
  message: string;
}

type RequestError = Error & { code?: string; cause?: unknown };

/**
 * Built-in fetch rejects with `TypeError: fetch failed` and the socket's or undici's error as its `cause`
 * (nodejs.org/api/globals.html#fetch is undici's fetch): the cause is what went wrong.
 */
const underlying = (error: RequestError): RequestError =>
  error.name === 'TypeError' && error.cause instanceof Error ? (error.cause as RequestError) : error;

export function describeRequestFailure(error: unknown, timeoutMs: number): RequestFailure {
  const err = underlying(error as RequestError);
  const aborted = err.name === 'TimeoutError' || err.name === 'AbortError';
  const code = err.code ?? err.name;
  return {
    aborted,
    timedOut: aborted || (err.code !== undefined && UNDICI_TIMEOUTS.has(err.code)),
    code,
    message: aborted ? `timed out after ${timeoutMs} ms` : `${code}: ${err.message}`,
  };
}
