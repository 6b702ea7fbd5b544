import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { BodyTooLargeError, readBody } from './capture-protocol.ts';
import { lambdaContext } from './lambda-context.ts';
import { closeServer, listenOnLoopback } from './loopback.ts';

export type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
/** The intake's Lambda timeout (SIZING in infra/pipeline-functions.ts), as the remaining time its context starts from. */
const INTAKE_TIMEOUT_MS = 6_000;

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml)|.*\+json)/i;
/**
 * The largest request body the deployed front takes: API Gateway HTTP API's payload quota is 10 MB (AWS API Gateway
 * developer guide, "Amazon API Gateway quotas"; docs/deploy.md "Choosing the front"), so the intake never sees more.
 * Locally the adapter reads bodies before anything checks the token, so the same cap bounds what a sender without
 * one can make the process hold; beyond it the adapter answers 413 without calling the intake.
 */
export const FRONT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Builds the event API Gateway HTTP API (payload 2.0) would send: lower-case headers, raw body, base64 for binary.
 * A text body that is not valid UTF-8 also travels base64, byte for byte: decoding it here would turn the invalid
 * bytes into U+FFFD, and the intake's own strict decoder could no longer answer 400 `invalid_utf8`.
 */
export function toHttpApiEvent(req: IncomingMessage, body: Buffer, now: Date): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || ((contentType === '' || TEXT_TYPES.test(contentType)) && isUtf8(body));
  const method = (req.method ?? 'GET').toUpperCase();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: !isText,
  };
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (body.length > 0) event.body = isText ? body.toString('utf8') : body.toString('base64');
  return event;
}

/** The local runner's own routes under /local/ (local/status-routes.ts); everything else goes to the intake. */
export type LocalRoutes = (request: { method: string; url: URL; authorization: string | undefined }) => { status: number; body: unknown };

/** A node:http server that hands every request to the real intake handler. */
export async function startHttpAdapter(
  handler: HttpApiHandler,
  options: { port?: number; localRoutes?: LocalRoutes } = {},
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req, FRONT_MAX_BODY_BYTES);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (options.localRoutes && url.pathname.startsWith('/local/')) {
        const answer = options.localRoutes({ method: req.method ?? 'GET', url, authorization: req.headers.authorization });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        return;
      }
      const result = await handler(toHttpApiEvent(req, body, new Date()), lambdaContext('intake', INTAKE_TIMEOUT_MS));
      const payload = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
      res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string> | undefined) }).end(payload);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // The front's own answer, before any token check; the connection closes so the rest is never read.
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end('{"message":"Request Entity Too Large"}');
        return;
      }
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'error', message: (error as Error).message }));
    }
  });
  return { url: await listenOnLoopback(server, options.port ?? 0), server, close: () => closeServer(server) };
}
