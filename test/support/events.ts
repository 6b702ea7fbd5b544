import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A realistic API Gateway HTTP API (payload 2.0) event, as MoEngage's request would produce. */
export function httpApiEvent(
  overrides: {
    method?: string;
    path?: string;
    body?: string;
    headers?: Record<string, string>;
    query?: Record<string, string>;
    isBase64Encoded?: boolean;
    requestId?: string;
  } = {},
): APIGatewayProxyEventV2 {
  const method = overrides.method ?? 'POST';
  const path = overrides.path ?? '/v1/connector';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(overrides.query ?? {}).toString(),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'MoEngage',
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      ...overrides.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'MoEngage' },
      requestId: overrides.requestId ?? 'Yx2AbCdEfGhIjKl=',
      routeKey: '$default',
      stage: '$default',
      time: '23/Nov/2026:16:00:00 +0000',
      timeEpoch: 1_795_449_600_000,
    },
    isBase64Encoded: overrides.isBase64Encoded ?? false,
  };
  if (overrides.query) event.queryStringParameters = overrides.query;
  if (overrides.body !== undefined) event.body = overrides.body;
  return event;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/**
 * The same request as a Lambda function URL delivers it: payload format 2.0 like the HTTP API, with the fields API
 * Gateway features would fill set to what a function URL sends (AWS, "Invoking Lambda function URLs", request payload
 * format: https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html): `accountId` "anonymous" for auth type
 * NONE, `apiId`/`domainPrefix` the URL id, the lambda-url host, and the forwarding headers Lambda adds.
 */
export function functionUrlEvent(event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 {
  const id = 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6';
  const host = `${id}.lambda-url.eu-west-1.on.aws`;
  return {
    ...event,
    headers: {
      ...event.headers,
      host,
      'x-amzn-tls-version': 'TLSv1.3',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
      'x-forwarded-for': event.requestContext.http.sourceIp,
      'x-amzn-trace-id': 'Root=1-6741c3a0-5f302e550dcde3b12402207d',
    },
    requestContext: { ...event.requestContext, accountId: 'anonymous', apiId: id, domainName: host, domainPrefix: id },
  };
}
