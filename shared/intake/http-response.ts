import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export const rejected = (statusCode: number, errors: Array<{ path: string; message: string }>): HttpResponse =>
  json(statusCode, { status: 'rejected', errors });

/** A query flag such as `?dry_run`: `?dry_run`, `=1`, `=true` are on; absent, `0`, `false`, `no` are off. */
export const isQueryFlagOn = (value: string | undefined): boolean =>
  value !== undefined && !['0', 'false', 'no'].includes(value.toLowerCase());
