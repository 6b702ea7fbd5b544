import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * How MoEngage Streams delivers one batch (moengage/moengage-documentation api/data/moengage-streams.mdx, FAQ):
 * "In case a batch of events fail (any non-2XX response), the entire batch is retried. In total, three retry
 * attempts are made with intervals of 30, 60, and 120 seconds", and a batch is never replayed after that ("data ...
 * cannot be replayed at a later date"). The clock is the caller's, so the waits cost no real time.
 */
export const STREAMS_RETRY_INTERVALS_S = [30, 60, 120] as const;

export interface StreamsAttempt {
  atSeconds: number;
  status: number;
}

export async function sendLikeMoEngage(
  request: () => APIGatewayProxyEventV2,
  handle: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>,
  beforeAttempt: (attempt: number) => void = () => undefined,
): Promise<{ attempts: StreamsAttempt[]; delivered: boolean }> {
  const attempts: StreamsAttempt[] = [];
  let at = 0;
  for (let attempt = 0; attempt <= STREAMS_RETRY_INTERVALS_S.length; attempt++) {
    if (attempt > 0) at += STREAMS_RETRY_INTERVALS_S[attempt - 1] ?? 0;
    beforeAttempt(attempt);
    const response = await handle(request());
    const status = response.statusCode ?? 0;
    attempts.push({ atSeconds: at, status });
    if (status >= 200 && status < 300) return { attempts, delivered: true };
  }
  return { attempts, delivered: false };
}
