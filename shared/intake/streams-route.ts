import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Config } from '../platform/config.ts';
import { type QueueMessage, sizeProblem } from '../queue/message.ts';
import { json } from './http-response.ts';
import { isQueryFlagOn } from './query-params.ts';
import { type IntakeDeps, type Outcome, queueUnavailable, REJECTED_AFTER_AUTH, reject } from './dependencies.ts';
import { type MappedStreamsEvent, mapStreamsBatch, type StreamsRejection } from '../streams/map-streams.ts';
import { count, countWithDimension } from '../platform/observability.ts';
import { traceKeys } from '../platform/trace-keys.ts';
import { summarize } from '../posthog/event.ts';
import { parseRequestBody } from './request-body.ts';
import { capIssues } from '../mapping/warnings.ts';

export type StreamsDeps = Pick<IntakeDeps, 'queue' | 'logger' | 'metrics' | 'now' | 'libVersion'> & {
  config: Pick<Config, 'posthogHost' | 'maxBodyBytes' | 'personlessEvents' | 'streams'>;
};

/** Rejected events listed in one answer; the rest are counted (`rejected_count`). */
const MAX_LISTED_REJECTIONS = 20;

/**
 * `POST /v1/streams`, after authentication: parse → map each event → queue the valid ones. Answers 200 listing the
 * rejected events (MoEngage would resend the whole batch on anything else, and they would fail again), 400/413/415
 * when the body is not a batch, and 503 when the queue refused (so MoEngage retries the batch: 30, 60, 120 s).
 * The request's one log line is written by the intake (shared/intake/router.ts): it counts the rejected events and
 * names the listed ones' positions. The answer lists the first 20 rejected events (and `rejected_count` when there
 * are more) and at most 100 warnings, so a batch of bad events can never make the answer or the log large.
 */
export async function handleStreams(event: APIGatewayProxyEventV2, deps: StreamsDeps): Promise<Outcome> {
  const headers = event.headers ?? {};
  const body = parseRequestBody(
    { body: event.body, isBase64Encoded: event.isBase64Encoded, contentType: headers['content-type'] },
    deps.config.maxBodyBytes,
  );
  if (!body.ok) return reject(body.status, body.reason, body.errors);
  const mapped = mapStreamsBatch(body.value, {
    ...deps.config.streams,
    libVersion: deps.libVersion,
    personlessEvents: deps.config.personlessEvents,
    ownsBody: true,
  });
  if (!mapped.ok) return reject(400, 'invalid', mapped.errors);

  const receivedAt = deps.now().toISOString();
  const { accepted, tooLarge } = splitBySize(mapped.events, (e) => ({
    event: e.event,
    destination: deps.config.posthogHost,
    origin: 'streams',
    receivedAt,
  }));
  const allRejected = [...mapped.rejected, ...tooLarge].sort((a, b) => a.index - b.index);
  countWithDimension(deps.metrics, 'Rejected', 'reason', 'invalid_event', allRejected.length);
  count(deps.metrics, REJECTED_AFTER_AUTH, allRejected.length);
  const events = accepted.map((m) => m.event);
  // However many events fail, the answer and the log stay small: the first ones listed, the rest counted.
  const rejectedEvents = allRejected.slice(0, MAX_LISTED_REJECTIONS);
  const warnings = capIssues(mapped.warnings);
  const cut = allRejected.length > rejectedEvents.length ? { rejected_count: allRejected.length } : {};
  const counts = {
    moe_request_id: mapped.requestId,
    events: events.length,
    rejected: allRejected.length,
    rejected_indexes: rejectedEvents.map((r) => r.index),
    warnings: mapped.warnings.length,
  };

  if (isQueryFlagOn(event.queryStringParameters?.dry_run)) {
    return {
      response: json(200, { status: 'dry_run', events, rejected: rejectedEvents, ...cut, warnings }),
      outcome: 'dry_run',
      log: counts,
    };
  }
  try {
    await deps.queue.enqueue(accepted);
  } catch (error) {
    // QueueUnavailableError, or anything else the SQS client threw: nothing is acknowledged unless queued (as connector).
    return queueUnavailable(error, { moe_request_id: mapped.requestId });
  }
  count(deps.metrics, 'Queued', events.length);
  return {
    response: json(200, { status: 'ok', queued: events.length, events: events.map(summarize), rejected: rejectedEvents, ...cut, warnings }),
    outcome: 'queued',
    log: { ...counts, trace: events.map(traceKeys) },
  };
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
    const problem = sizeProblem(message);
    if (problem === undefined) accepted.push(message);
    else tooLarge.push({ index: e.index, errors: [{ path: `events.${e.index}`, message: problem }] });
  }
  return { accepted, tooLarge };
}
