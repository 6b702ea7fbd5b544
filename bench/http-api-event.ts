import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The API Gateway HTTP API (payload 2.0) POST the intake benchmarks send its handler: MoEngage's request as API Gateway passes it on. */
export const benchRequest = (options: {
  path: string;
  body: string;
  headers: Record<string, string>;
  requestId: string;
}): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: options.path,
  rawQueryString: '',
  headers: { 'user-agent': 'MoEngage', ...options.headers },
  requestContext: {
    accountId: '123456789012',
    apiId: 'bench',
    domainName: 'bench.execute-api.us-east-1.amazonaws.com',
    domainPrefix: 'bench',
    http: { method: 'POST', path: options.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'MoEngage' },
    requestId: options.requestId,
    routeKey: '$default',
    stage: '$default',
    time: '23/Nov/2026:12:00:00 +0000',
    timeEpoch: 1_795_492_800_000,
  },
  body: options.body,
  isBase64Encoded: false,
});
