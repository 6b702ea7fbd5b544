import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { extractToken, isAuthorized } from './auth.ts';
import { handleConnector } from './connector-route.ts';
import { handleStreams } from './streams-route.ts';
import { type HttpResponse, json } from './http-response.ts';
import { type IntakeDeps, type Outcome, REJECTED_AFTER_AUTH, reject, unavailable } from './dependencies.ts';
import { checkQueryFlags } from './query-params.ts';
import { count, countWithDimension } from '../platform/observability.ts';

export type { IntakeDeps, Outcome, PostHogVerifier } from './dependencies.ts';

type Route = {
  auth: boolean;
  /** The query flags the route reads; any other query parameter is refused (400). Absent: query ignored (health). */
  query?: readonly string[];
  handle: (event: APIGatewayProxyEventV2, deps: IntakeDeps) => Promise<Outcome>;
};

/** The routing table: path → method → handler. Add a route here (docs/architecture.md, "Public contract"). */
const ROUTES: Record<string, Record<string, Route>> = {
  '/v1/health': {
    GET: { auth: false, handle: async () => ({ response: json(200, { status: 'ok' }), outcome: 'ok' }) },
    // HEAD answers as GET does, without the body (RFC 9110 §9.3.2): load balancers and monitors probe with it.
    HEAD: { auth: false, handle: async () => ({ response: { ...json(200, { status: 'ok' }), body: '' }, outcome: 'ok' }) },
  },
  '/v1/connector': { POST: { auth: true, query: ['dry_run', 'verify'], handle: handleConnector } },
  '/v1/streams': { POST: { auth: true, query: ['dry_run'], handle: handleStreams } },
};

export const UNAUTHORIZED_MESSAGE =
  'missing or wrong token: send Authorization: Bearer <token>, or HTTP Basic with the token as the password (any user name)';
/** Both schemes the intake accepts (RFC 9110 §11.6.1: one challenge per scheme); MoEngage Streams documents Basic. */
const CHALLENGES = 'Bearer realm="moengage-posthog-forwarder", Basic realm="moengage-posthog-forwarder", charset="UTF-8"';

/**
 * Handles one API Gateway HTTP API (v2) request: route → auth → the route's handler. Writes exactly one log line
 * (outcome, reason, counts; no values, tokens or keys) and the metrics Received, Queued, Rejected{reason} and
 * RejectedAfterAuth.
 * The line's level makes accepted requests cheap: they are DEBUG (the Received/Queued metrics summarise them; a
 * DEBUG log level shows each), a rejection is WARN with its reason, a 5xx ERROR, so both always reach the logs.
 */
export async function handleIntake(event: APIGatewayProxyEventV2, deps: IntakeDeps): Promise<HttpResponse> {
  const path = event.rawPath.replace(/\/+$/, '') || '/';
  const method = event.requestContext.http.method.toUpperCase();
  const route = ROUTES[path]?.[method];
  const result = route ? await run(route, event, deps) : unrouted(path, method);
  if (path !== '/v1/health') count(deps.metrics, 'Received');
  if (result.reason !== undefined) countWithDimension(deps.metrics, 'Rejected', 'reason', result.reason);
  const { statusCode } = result.response;
  if (route?.auth && statusCode >= 400 && statusCode < 500 && statusCode !== 401) count(deps.metrics, REJECTED_AFTER_AUTH);
  const fields = {
    request_id: event.requestContext.requestId,
    route: path,
    method,
    status: statusCode,
    outcome: result.outcome,
    ...(result.reason !== undefined && { reason: result.reason }),
    ...result.log,
  };
  // Bad input is the sender's to fix (WARN, with the reason); 5xx and 502 are ours or PostHog's (ERROR).
  if (statusCode >= 500) deps.logger.error('intake request', fields);
  else if (result.reason !== undefined) deps.logger.warn('intake request', fields);
  else deps.logger.debug('intake request', fields);
  return result.response;
}

function unrouted(path: string, method: string): Outcome {
  const methods = ROUTES[path];
  if (!methods) {
    const known = Object.entries(ROUTES).flatMap(([p, m]) => Object.keys(m).map((verb) => `${verb} ${p}`));
    return {
      response: json(404, { status: 'not_found', message: `no route ${path}; use ${known.join(', ')}` }),
      outcome: 'rejected',
      reason: 'not_found',
    };
  }
  const allow = Object.keys(methods).join(', ');
  return {
    response: json(405, { status: 'method_not_allowed', message: `${method} is not allowed: use ${allow} ${path}` }, { allow }),
    outcome: 'rejected',
    reason: 'method_not_allowed',
  };
}

async function run(route: Route, event: APIGatewayProxyEventV2, deps: IntakeDeps): Promise<Outcome> {
  if (route.auth) {
    let tokens: string[];
    try {
      tokens = await deps.secrets.webhookTokens();
    } catch (error) {
      return unavailable('secrets_unavailable', 'the webhook tokens could not be read; retry later', error);
    }
    if (!isAuthorized(extractToken(event.headers?.authorization), tokens)) {
      const body = { status: 'unauthorized', message: UNAUTHORIZED_MESSAGE };
      return { response: json(401, body, { 'www-authenticate': CHALLENGES }), outcome: 'rejected', reason: 'unauthorized' };
    }
  }
  const queryIssues = route.query ? checkQueryFlags(event.queryStringParameters, route.query) : [];
  if (queryIssues.length > 0) return reject(400, 'invalid_query', queryIssues);
  return route.handle(event, deps);
}
