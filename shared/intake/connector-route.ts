import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type QueueMessage, sizeProblem } from '../queue/message.ts';
import { json } from './http-response.ts';
import { isQueryFlagOn } from './query-params.ts';
import { type IntakeDeps, type Outcome, queueUnavailable, reject, unavailable } from './dependencies.ts';
import { eventPath, mapConnectorBody } from '../connector/map-connector.ts';
import { count } from '../platform/observability.ts';
import { traceKeys } from '../platform/trace-keys.ts';
import { summarize } from '../posthog/event.ts';
import { parseRequestBody } from './request-body.ts';
import { verifyDelivery } from './verify-delivery.ts';
import type { FieldIssue } from '../mapping/warnings.ts';

/** POST /v1/connector: parse → map → (size check) → dry run, verify, or queue. */
export async function handleConnector(event: APIGatewayProxyEventV2, deps: IntakeDeps): Promise<Outcome> {
  const headers = event.headers ?? {};
  const body = parseRequestBody(
    { body: event.body, isBase64Encoded: event.isBase64Encoded, contentType: headers['content-type'] },
    deps.config.maxBodyBytes,
    { strict: deps.config.strict },
  );
  if (!body.ok) return reject(body.status, body.reason, body.errors);
  const repairs = body.repairs ?? [];
  let apiKey: string;
  try {
    apiKey = await deps.secrets.posthogApiKey();
  } catch (error) {
    return unavailable('secrets_unavailable', 'the PostHog project key could not be read; retry later', error);
  }
  const now = deps.now();
  const mapped = mapConnectorBody(body.value, {
    now,
    libVersion: deps.libVersion,
    configuredApiKey: apiKey,
    personlessEvents: deps.config.personlessEvents,
    strict: deps.config.strict,
  });
  const log = { format: body.format };
  if (!mapped.ok) return reject(400, 'invalid', mapped.errors, log);
  const { events } = mapped;
  const warnings = [...repairs, ...mapped.warnings];
  const messages = events.map(
    (e): QueueMessage => ({ event: e, destination: deps.config.posthogHost, origin: 'connector', receivedAt: now.toISOString() }),
  );
  const tooLarge = oversized(messages, (index) => eventPath(body.value, index));
  if (tooLarge.length > 0) return reject(413, 'event_too_large', tooLarge, log);
  const summary = { ...log, events: events.length, warning_paths: warnings.map((w) => w.path), trace: events.map(traceKeys) };

  const params = event.queryStringParameters ?? {};
  if (isQueryFlagOn(params.dry_run)) {
    return { response: json(200, { status: 'dry_run', events, warnings }), outcome: 'dry_run', log: summary };
  }
  if (isQueryFlagOn(params.verify)) return verifyDelivery(events, warnings, apiKey, deps, summary);
  try {
    await deps.queue.enqueue(messages);
  } catch (error) {
    // QueueUnavailableError, or anything else the SQS client threw: a 503 that says how many were queued anyway.
    return queueUnavailable(error);
  }
  count(deps.metrics, 'Queued', events.length);
  const response = json(200, { status: 'ok', queued: events.length, events: events.map(summarize), warnings });
  return { response, outcome: 'queued', log: summary };
}

/** Events that cannot fit one SQS message (the queue's 1 MiB limit, attributes included) → 413 naming them. */
function oversized(messages: readonly QueueMessage[], pathOf: (index: number) => string): FieldIssue[] {
  return messages.flatMap((message, index) => {
    const problem = sizeProblem(message);
    return problem === undefined ? [] : [{ path: pathOf(index), message: problem }];
  });
}
