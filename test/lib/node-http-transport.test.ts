import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import type { PoolOptions } from '#shared/lib/http-transport';
import { createNodeHttpTransport } from '#shared/lib/node-http-transport';
import { describeRequestFailure } from '#shared/lib/request-failure';
import { closeServer, listenOnLoopback } from '../../local/loopback.ts';

/**
 * A self-signed certificate for 127.0.0.1, valid to 2126, made once with `openssl req -x509 -newkey ec -pkeyopt
 * ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1`.
 */
const TLS = {
  cert: readFileSync(new URL('../fixtures/tls/loopback.crt', import.meta.url), 'utf8'),
  key: readFileSync(new URL('../fixtures/tls/loopback.key', import.meta.url), 'utf8'),
};

/** A loopback server (HTTPS with `secure`) whose answer depends on the path; it records every connection it accepted. */
async function startServer(secure = false) {
  const connections: Socket[] = [];
  const stalled: ServerResponse[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url === '/reset') return req.socket.destroy();
      if (req.url === '/stall') return stalled.push(res);
      if (req.url === '/stall-body') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('the first half');
        return stalled.push(res);
      }
      const answer = () => {
        res.setHeader('Retry-After', '7');
        res.setHeader('Set-Cookie', ['first=1', 'second=2']);
        res.writeHead(req.url === '/teapot' ? 418 : 200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            method: req.method,
            length: req.headers['content-length'],
            type: req.headers['content-type'],
            body: body.toString('hex'),
          }),
        );
      };
      if (req.url === '/slow') setTimeout(answer, 50);
      else if (req.url === '/late') setTimeout(answer, 200);
      else answer();
    });
  };
  // An https.Server is an http.Server as far as listening and closing go.
  const server = secure ? (createHttpsServer(TLS, handler) as unknown as Server) : createServer(handler);
  server.on(secure ? 'secureConnection' : 'connection', (socket: Socket) => connections.push(socket));
  const url = await listenOnLoopback(server);
  return { url: secure ? url.replace(/^http:/, 'https:') : url, connections, close: () => closeServer(server) };
}

const POOL: PoolOptions = { connections: 2, keepAliveTimeoutMs: 5_000, connectTimeoutMs: 1_000 };

/** Resolves when `promise` does; fails naming `what` if it has not within `ms`. */
const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} never happened within ${ms} ms`)), ms).unref()),
  ]);

const failureOf = async (promise: Promise<unknown>, timeoutMs: number) => {
  const error = await promise.then(
    () => {
      throw new Error('the request succeeded; expected it to fail');
    },
    (e: unknown) => e,
  );
  return describeRequestFailure(error, timeoutMs);
};

describe('createNodeHttpTransport (node:http Agent pool)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => server.close());

  it('sends method, headers and a string or binary body with its length, and reads status, text and headers', async () => {
    const pool = createNodeHttpTransport(POOL);
    try {
      const text = await pool.send({
        method: 'POST',
        url: `${server.url}/teapot`,
        headers: { 'content-type': 'text/plain' },
        body: 'héllo',
        timeoutMs: 2_000,
      });
      expect(text.status).toBe(418);
      expect(JSON.parse(text.text)).toEqual({
        method: 'POST',
        length: '6',
        type: 'text/plain',
        body: Buffer.from('héllo').toString('hex'),
      });
      expect(text.header('retry-after')).toBe('7');
      expect(text.header('set-cookie')).toBe('first=1');
      expect(text.header('x-absent')).toBeUndefined();
      const binary = await pool.send({
        method: 'POST',
        url: `${server.url}/`,
        headers: {},
        body: new Uint8Array([0, 255, 1]),
        timeoutMs: 2_000,
      });
      expect(JSON.parse(binary.text)).toMatchObject({ length: '3', body: '00ff01' });
      const get = await pool.send({ method: 'GET', url: `${server.url}/`, headers: {}, timeoutMs: 2_000 });
      expect(JSON.parse(get.text)).toMatchObject({ method: 'GET', body: '' });
    } finally {
      await pool.close();
    }
  });

  it('keeps a connection alive across requests and never opens more than `connections` per origin', async () => {
    const pool = createNodeHttpTransport(POOL);
    try {
      for (let i = 0; i < 3; i++) await pool.send({ method: 'GET', url: `${server.url}/`, headers: {}, timeoutMs: 2_000 });
      expect(server.connections).toHaveLength(1);
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => pool.send({ method: 'POST', url: `${server.url}/slow`, headers: {}, body: 'x', timeoutMs: 5_000 })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      expect(server.connections).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it('closes an idle connection after keepAliveTimeoutMs, and all of them on close()', async () => {
    const pool = createNodeHttpTransport({ ...POOL, keepAliveTimeoutMs: 100 });
    await pool.send({ method: 'GET', url: `${server.url}/`, headers: {}, timeoutMs: 2_000 });
    const [idle] = server.connections;
    await within(once(idle as Socket, 'close'), 5_000, 'the idle connection closing');
    await pool.send({ method: 'GET', url: `${server.url}/`, headers: {}, timeoutMs: 2_000 });
    expect(server.connections).toHaveLength(2);
    await pool.close();
    await within(once(server.connections[1] as Socket, 'close'), 5_000, 'close() ending the pooled connection');
  });

  it('reports a refused connection as ECONNREFUSED, not a timeout', async () => {
    const gone = await startServer();
    await gone.close();
    const pool = createNodeHttpTransport(POOL);
    const failure = await failureOf(pool.send({ method: 'POST', url: `${gone.url}/`, headers: {}, body: 'x', timeoutMs: 2_000 }), 2_000);
    expect(failure).toMatchObject({ code: 'ECONNREFUSED', timedOut: false, aborted: false });
    expect(failure.message).toMatch(/^ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    await pool.close();
  });

  it('reports a reset connection as ECONNRESET, not a timeout', async () => {
    const pool = createNodeHttpTransport(POOL);
    const failure = await failureOf(
      pool.send({ method: 'POST', url: `${server.url}/reset`, headers: {}, body: 'x', timeoutMs: 2_000 }),
      2_000,
    );
    expect(failure).toEqual({ code: 'ECONNRESET', timedOut: false, aborted: false, message: 'ECONNRESET: socket hang up' });
    await pool.close();
  });

  it.each([
    ['no answer at all', '/stall'],
    ['an answer whose body never ends', '/stall-body'],
  ])('times the whole request out for %s', async (_, path) => {
    const pool = createNodeHttpTransport(POOL);
    const failure = await failureOf(
      pool.send({ method: 'POST', url: `${server.url}${path}`, headers: {}, body: 'x', timeoutMs: 200 }),
      200,
    );
    expect(failure).toEqual({ code: 'TimeoutError', timedOut: true, aborted: true, message: 'timed out after 200 ms' });
    await pool.close();
  });

  it('counts the time a request waits for a free connection in its timeout', async () => {
    const pool = createNodeHttpTransport({ ...POOL, connections: 1 });
    const stalled = pool.send({ method: 'GET', url: `${server.url}/stall`, headers: {}, timeoutMs: 2_000 }).catch((e: unknown) => e);
    const queued = await failureOf(pool.send({ method: 'GET', url: `${server.url}/`, headers: {}, timeoutMs: 200 }), 200);
    expect(queued).toMatchObject({ timedOut: true, message: 'timed out after 200 ms' });
    await pool.close();
    await stalled;
  });

  it('fails a connect (here a TLS handshake nobody answers) slower than connectTimeoutMs as a timeout', async () => {
    const silent = createTcpServer(() => {});
    const sockets: Socket[] = [];
    silent.on('connection', (socket: Socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const pool = createNodeHttpTransport({ ...POOL, connectTimeoutMs: 100 });
    try {
      const failure = await failureOf(
        pool.send({ method: 'GET', url: `https://127.0.0.1:${port}/`, headers: {}, timeoutMs: 5_000 }),
        5_000,
      );
      expect(failure).toEqual({ code: 'ETIMEDOUT', timedOut: true, aborted: false, message: 'ETIMEDOUT: connect timed out after 100 ms' });
    } finally {
      await pool.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('createNodeHttpTransport once connected', () => {
  const defaultCAs = getCACertificates('default');
  beforeAll(() => setDefaultCACertificates([...defaultCAs, TLS.cert]));
  afterAll(() => setDefaultCACertificates(defaultCAs));

  it.each([
    ['http', false],
    ['https (TLS verified against the test certificate)', true],
  ])('over %s, lets an answer take longer than connectTimeoutMs and reuses the connection', async (_, secure) => {
    const server = await startServer(secure);
    const pool = createNodeHttpTransport({ ...POOL, connectTimeoutMs: 50 });
    try {
      for (let i = 0; i < 2; i++) {
        const answer = await pool.send({ method: 'POST', url: `${server.url}/late`, headers: {}, body: 'x', timeoutMs: 5_000 });
        expect(answer.status).toBe(200);
      }
      expect(server.connections).toHaveLength(1);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});
