import { describeRequestFailure } from '#shared/lib/request-failure';

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
/** Built-in fetch's shape: `TypeError: fetch failed` with what went wrong as its cause. */
const viaFetch = (cause: Error) => Object.assign(new TypeError('fetch failed'), { cause });
const timeout = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

// The real errors come from the transports in test/lib/node-http-transport.test.ts and test/posthog/capture-client.test.ts;
// this table pins how each shape reads, the fetch ones included.
describe('describeRequestFailure', () => {
  it.each([
    [
      'node:http refused',
      coded('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'),
      { code: 'ECONNREFUSED', timedOut: false, aborted: false, message: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9' },
    ],
    [
      'node:http reset',
      coded('socket hang up', 'ECONNRESET'),
      { code: 'ECONNRESET', timedOut: false, aborted: false, message: 'ECONNRESET: socket hang up' },
    ],
    [
      "the pool's connect timeout",
      coded('connect timed out after 3000 ms', 'ETIMEDOUT'),
      { code: 'ETIMEDOUT', timedOut: true, aborted: false, message: 'ETIMEDOUT: connect timed out after 3000 ms' },
    ],
    [
      'the AbortSignal timeout (a DOMException, numeric code 23)',
      timeout(),
      { code: 'TimeoutError', timedOut: true, aborted: true, message: 'timed out after 500 ms' },
    ],
    [
      'fetch refused',
      viaFetch(coded('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED')),
      { code: 'ECONNREFUSED', timedOut: false, aborted: false },
    ],
    [
      'fetch reset',
      viaFetch(coded('other side closed', 'UND_ERR_SOCKET')),
      { code: 'UND_ERR_SOCKET', timedOut: false, message: 'UND_ERR_SOCKET: other side closed' },
    ],
    [
      'fetch connect timeout',
      viaFetch(coded('Connect Timeout Error', 'UND_ERR_CONNECT_TIMEOUT')),
      { code: 'UND_ERR_CONNECT_TIMEOUT', timedOut: true, aborted: false },
    ],
  ])('reads %s', (_, error, expected) => {
    expect(describeRequestFailure(error, 500)).toMatchObject(expected);
  });
});
