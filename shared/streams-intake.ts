import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Config } from './config.ts';
import { encodeMessage, type EventQueue, MAX_MESSAGE_BYTES, messageSize, type QueueMessage, QueueUnavailableError } from './event-queue.ts';
import { type HttpResponse, json, rejected } from './http-response.ts';
import { type MappedStreamsEvent, mapStreamsBatch, type StreamsRejection } from './map-streams.ts';
import { count, countWithDimension } from './observability.ts';
import { summarize } from './posthog-event.ts';
import { parseRequestBody } from './request-body.ts';
import type { FieldIssue } from './warnings.ts';

export interface StreamsDeps {
  config: Pick<Config, 'posthogHost' | 'maxBodyBytes' | 'personlessEvents' | 'streams'>;
  queue: EventQueue;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  libVersion: string;
}

const ROUTE = '/v1/streams';

/**
 * `POST /v1/streams`, after authentication: parse → map each event → queue the valid ones. Answers 200 listing the
 * rejected events (MoEngage would resend the whole batch on anything else, and they would fail again), 400/413/415
 * when the body is not a batch, and 503 when the queue refused (so MoEngage retries the batch: 30, 60, 120 s).
 */
export async function handleStreams(event: APIGatewayProxyEventV2, deps: StreamsDeps): Promise<HttpResponse> {
  const requestId = event.requestContext.requestId;
  const headers = event.headers ?? {};
  const log = (outcome: string, status: number, extra: Record<string, unknown> = {}) =>
    deps.logger.info('streams request', { request_id: requestId, route: ROUTE, outcome, status, ...extra });

  const body = parseRequestBody(
    { body: event.body, isBase64Encoded: event.isBase64Encoded, contentType: headers['content-type'] },
    deps.config.maxBodyBytes,
  );
  const fail = (status: 400 | 413 | 415, errors: FieldIssue[]) => {
    countWithDimension(deps.metrics, 'Rejected', 'reason', status === 400 ? 'invalid' : String(status));
    log('rejected', status, { errors: errors.map((e) => e.path) });
    return rejected(status, errors);
  };
  if (!body.ok) return fail(body.status, body.errors);
  const mapped = mapStreamsBatch(body.value, {
    ...deps.config.streams,
    libVersion: deps.libVersion,
    personlessEvents: deps.config.personlessEvents,
  });
  if (!mapped.ok) return fail(400, mapped.errors);

  const receivedAt = deps.now().toISOString();
  const { accepted, tooLarge } = splitBySize(mapped.events, (e) => ({
    event: e.event,
    destination: deps.config.posthogHost,
    origin: 'streams',
    receivedAt,
  }));
  const rejectedEvents = [...mapped.rejected, ...tooLarge].sort((a, b) => a.index - b.index);
  const context = { request_id: requestId, moe_request_id: mapped.requestId };
  for (const r of rejectedEvents) deps.logger.warn('streams event rejected', { ...context, index: r.index, errors: r.errors });
  countWithDimension(deps.metrics, 'Rejected', 'reason', 'invalid_event', rejectedEvents.length);
  const events = accepted.map((m) => m.event);
  const warnings = mapped.warnings;

  if (isOn(event.queryStringParameters?.dry_run)) {
    log('dry_run', 200, { ...context, events: events.length, rejected: rejectedEvents.length });
    return json(200, { status: 'dry_run', events, rejected: rejectedEvents, warnings });
  }
  try {
    await deps.queue.enqueue(accepted);
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    deps.logger.error('queue unavailable', { ...context, error });
    countWithDimension(deps.metrics, 'Rejected', 'reason', 'queue_unavailable');
    log('rejected', 503, { ...context, reason: 'queue_unavailable' });
    return json(
      503,
      { status: 'unavailable', message: 'the queue is unavailable; nothing was accepted, retry later' },
      { 'retry-after': '5' },
    );
  }
  count(deps.metrics, 'Queued', events.length);
  log('queued', 200, { ...context, events: events.length, rejected: rejectedEvents.length, warnings: warnings.length });
  return json(200, { status: 'ok', queued: events.length, events: events.map(summarize), rejected: rejectedEvents, warnings });
}

/** An event whose SQS message would exceed 1 MiB is rejected on its own rather than failing the batch. */
function splitBySize(
  events: readonly MappedStreamsEvent[],
  toMessage: (e: MappedStreamsEvent) => QueueMessage,
): { accepted: QueueMessage[]; tooLarge: StreamsRejection[] } {
  const accepted: QueueMessage[] = [];
  const tooLarge: StreamsRejection[] = [];
  for (const e of events) {
    const message = toMessage(e);
    const size = messageSize(encodeMessage(message));
    if (size <= MAX_MESSAGE_BYTES) accepted.push(message);
    else
      tooLarge.push({
        index: e.index,
        errors: [
          { path: `events.${e.index}`, message: `is ${size} bytes once mapped; one queued event may hold at most ${MAX_MESSAGE_BYTES}` },
        ],
      });
  }
  return { accepted, tooLarge };
}

const isOn = (value: string | undefined): boolean => value === '1' || value === 'true';
