import { type IncomingMessage, request } from 'node:http';
import fc from 'fast-check';
import { parseRequestBody } from '#shared/intake/request-body';
import { FRONT_MAX_BODY_BYTES, toHttpApiEvent } from '../../local/http-adapter.ts';
import { startLocalStack } from '../../local/runner.ts';
import { startFakePostHog } from '../support/fake-posthog.ts';

const TOKEN = 'local-token-123456';
type Stack = Awaited<ReturnType<typeof startLocalStack>>;

/** Sends raw bytes as a request body, with or without the token. */
const post = (stack: Stack, body: Buffer, contentType: string, auth = true) =>
  fetch(`${stack.url}/v1/connector`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(auth && { authorization: `Bearer ${TOKEN}` }) },
    body,
  });

/**
 * Streams 1 MiB chunks (chunked encoding, no end) until the server answers or closes the connection; resolves with
 * what happened and how many bytes had been written by then. Fails if `giveUpBytes` went out without either. The
 * server closes right after its 413 (`connection: close`) with the rest unread, so the sender's next write can meet
 * the reset before it has parsed the answer: both mean the server stopped reading.
 */
function streamUntilStopped(url: string, giveUpBytes: number): Promise<{ outcome: string; written: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let written = 0;
    let settled = false;
    const settle = (outcome: string) => {
      if (settled) return;
      settled = true;
      resolve({ outcome, written });
      req.destroy();
    };
    const req = request(`${url}/v1/connector`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      settle(`HTTP ${res.statusCode}`);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') settle('closed');
      else if (!settled) reject(error);
    });
    const pump = () => {
      while (!settled && written < giveUpBytes) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!settled) reject(new Error(`neither an answer nor a close after ${written} bytes sent: the adapter kept reading`));
    };
    pump();
  });
}

describe('the local HTTP adapter in front of the real intake (npm start)', () => {
  let stack: Stack;
  let posthog: Awaited<ReturnType<typeof startFakePostHog>>;
  beforeAll(async () => {
    posthog = await startFakePostHog();
    stack = await startLocalStack({
      env: { POSTHOG_HOST: posthog.url, POSTHOG_API_KEY: 'phc_local_test', WEBHOOK_TOKEN: TOKEN },
      print: () => {},
      accessLog: false,
    });
  });
  afterAll(async () => {
    await stack.stop();
    await posthog.close();
  });

  it.each([
    [
      'JSON with a lone continuation byte',
      'application/json',
      Buffer.concat([Buffer.from('{"event":"e","distinct_id":"u'), Buffer.from([0x80]), Buffer.from('"}')]),
    ],
    [
      'a form with an overlong encoding of "/"',
      'application/x-www-form-urlencoded',
      Buffer.concat([Buffer.from('event=e&distinct_id='), Buffer.from([0xc0, 0xaf])]),
    ],
    [
      'text/plain cut inside a 4-byte character',
      'text/plain',
      Buffer.concat([Buffer.from('{"event":"e","distinct_id":"'), Buffer.from('😀').subarray(0, 3), Buffer.from('"}')]),
    ],
  ])('keeps invalid UTF-8 as bytes, so the intake answers 400 (invalid_utf8): %s', async (_, contentType, body) => {
    const response = await post(stack, body, contentType);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ status: 'rejected', errors: [{ path: '(body)', message: 'is not valid UTF-8' }] });
  });

  it('passes valid UTF-8 (an emoji) as text, as before', async () => {
    const response = await post(stack, Buffer.from('{"event":"e 😀","distinct_id":"u"}'), 'application/json');
    expect(response.status).toBe(200);
  });

  it('answers 413 from the declared length alone, without the token and without reading the body', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${stack.url}/v1/connector`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(FRONT_MAX_BODY_BYTES + 1) } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.flushHeaders(); // headers only: not one byte of the 10 MiB body is sent
    });
    expect(answer).toEqual({ status: 413, body: '{"message":"Request Entity Too Large"}' });
  });

  it('stops reading an unauthenticated body of unknown length once it passes 10 MiB, long before the sender is done', async () => {
    const { outcome, written } = await streamUntilStopped(stack.url, 4 * FRONT_MAX_BODY_BYTES);
    expect(['HTTP 413', 'closed']).toContain(outcome);
    expect(written).toBeGreaterThan(FRONT_MAX_BODY_BYTES);
    expect(written).toBeLessThan(4 * FRONT_MAX_BODY_BYTES);
  });

  it('still takes a body up to the cap to the intake, which answers with its own, smaller limit', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, ' ');
    const response = await post(stack, body, 'application/json');
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      status: 'rejected',
      errors: [{ path: '(body)', message: 'is 2097152 bytes; the limit is 1048576' }],
    });
  });
});

describe('toHttpApiEvent hands the intake the bytes it was sent (fast-check, fixed seed)', () => {
  const types = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b', '', 'image/png'];
  it('reads any body through the adapter as the intake reads the raw bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...types), (bytes, contentType) => {
        const body = Buffer.from(bytes);
        const req = { url: '/v1/connector', method: 'POST', httpVersion: '1.1', headers: { 'content-type': contentType }, socket: {} };
        const event = toHttpApiEvent(req as unknown as IncomingMessage, body, new Date(0));
        const viaAdapter = parseRequestBody({ body: event.body, isBase64Encoded: event.isBase64Encoded ?? false, contentType }, 1024);
        const direct = parseRequestBody({ body: body.toString('base64'), isBase64Encoded: true, contentType }, 1024);
        expect(viaAdapter).toEqual(direct);
      }),
      { seed: 19, numRuns: 1_000 },
    );
  });
});
