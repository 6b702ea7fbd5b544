import { distinctIdHash } from './trace-keys.ts';

/**
 * Reads the functions' log lines back into what happened to one event (pure): the same reader for the lines a
 * CloudWatch Logs Insights query returns in AWS and for the local runner's status journal.
 * The lines and their fields are written by shared/intake/router.ts ("intake request") and
 * shared/delivery/delivery-log.ts (docs/operations.md, "Trace one event").
 */
export type TraceStage = 'received' | 'queued' | 'delivered' | 'retrying' | 'dead_lettered';
export const TRACE_STAGES: readonly TraceStage[] = ['received', 'queued', 'delivered', 'retrying', 'dead_lettered'];

export interface TraceStep {
  /** ISO 8601 time of the log line (or, for an accepted event whose intake line is not logged, of its intake). */
  at: string;
  stage: TraceStage;
  detail: string;
  http_status?: number | undefined;
  attempts?: number | undefined;
  receive?: number | undefined;
}

export interface EventTrace {
  uuid: string;
  matched_by: 'uuid' | 'insert_id' | 'distinct_id';
  insert_id?: string | undefined;
  status: TraceStage;
  steps: TraceStep[];
}

/** One log line as the functions write it (Powertools JSON). */
export type LogRecord = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const attemptsText = (n: number | undefined): string => (n === undefined ? '' : `${n} attempt${n === 1 ? '' : 's'}`);

/** The step a line says about one of its events, or none for lines that are not about events. */
function stepOf(record: LogRecord, entry: LogRecord, at: string): TraceStep | undefined {
  const receive = num(entry.receive_count);
  const inReceive = receive === undefined ? '' : `, receive ${receive}`;
  switch (record.message) {
    case 'intake request': {
      const via = `${str(record.method) ?? 'POST'} ${str(record.route) ?? ''}, request ${str(record.request_id) ?? '?'}`;
      if (record.outcome === 'queued') return { at, stage: 'queued', detail: `accepted by the intake (${via}) and queued` };
      if (record.outcome === 'verified')
        return { at, stage: 'delivered', detail: `sent to PostHog at once by ?verify=1 (${via}), not queued` };
      return { at, stage: 'received', detail: `${String(record.outcome)} (${via}), not queued` };
    }
    case 'events delivered': {
      const attempts = num(entry.attempts);
      return {
        at,
        stage: 'delivered',
        detail: `PostHog answered 200 (${attemptsText(attempts)}${inReceive})`,
        http_status: 200,
        attempts,
        receive,
      };
    }
    case 'delivery will be retried': {
      const status = num(record.http_status);
      const attempts = num(record.attempts);
      const answer = status === undefined ? 'no answer' : `PostHog answered ${status}`;
      const reason = str(record.reason);
      const said = reason && reason !== `HTTP ${status}` ? `: ${reason}` : ''; // the bare status says nothing more
      const detail = `${answer}${said} (${attemptsText(attempts)}${inReceive}); SQS hands it back later`;
      return { at, stage: 'retrying', detail, http_status: status, attempts, receive };
    }
    case 'event dead-lettered': {
      const status = num(record.http_status);
      const attempts = num(record.attempts);
      const answer = status === undefined ? '' : `PostHog answered ${status}: `;
      const detail = `${str(record.reason) ?? '?'}: ${answer}${str(record.posthog_message) ?? ''} (${attemptsText(attempts)}${inReceive})`;
      return { at, stage: 'dead_lettered', detail, http_status: status, attempts, receive };
    }
    default:
      return undefined;
  }
}

function matchOf(entry: LogRecord, id: string, hash: string): EventTrace['matched_by'] | undefined {
  if (entry.uuid === id) return 'uuid';
  if (entry.insert_id === id) return 'insert_id';
  if (entry.distinct_id_hash === hash) return 'distinct_id';
  return undefined;
}

/**
 * Every event the lines mention under `id` (its uuid, its insert_id, or the distinct_id whose hash they carry), each
 * with its steps in time order. An accepted event's intake line is at DEBUG (not logged by default): the forwarder's
 * lines carry the intake time (`received_at`), which then stands in for it.
 */
export function traceEvents(records: readonly LogRecord[], id: string): EventTrace[] {
  const hash = distinctIdHash(id);
  return eventsIn(records, (entry) => matchOf(entry, id, hash));
}

/** Every event the lines mention that `match` accepts (all of them for the local status view). */
export function eventsIn(records: readonly LogRecord[], match: (entry: LogRecord) => EventTrace['matched_by'] | undefined): EventTrace[] {
  const traces = new Map<string, EventTrace & { receivedAt?: string | undefined }>();
  const timeOf = (record: LogRecord): number => Date.parse(str(record.timestamp) ?? '') || 0;
  for (const record of [...records].sort((a, b) => timeOf(a) - timeOf(b))) {
    const at = new Date(timeOf(record)).toISOString();
    const entries = Array.isArray(record.trace) ? (record.trace as LogRecord[]) : [record];
    for (const entry of entries) {
      const uuid = str(entry.uuid);
      const matched = uuid && match(entry);
      if (!uuid || !matched) continue;
      const step = stepOf(record, entry, at);
      if (!step) continue;
      const trace = traces.get(uuid) ?? { uuid, matched_by: matched, status: step.stage, steps: [] };
      trace.insert_id ??= str(entry.insert_id);
      trace.receivedAt ??= str(entry.received_at);
      trace.steps.push(step);
      trace.status = step.stage;
      traces.set(uuid, trace);
    }
  }
  return [...traces.values()].map(({ receivedAt, ...trace }) => {
    if (receivedAt && !trace.steps.some((s) => s.stage === 'queued')) {
      const detail = 'accepted by the intake and queued (time from the queued message; accepted requests are logged at DEBUG only)';
      trace.steps.unshift({ at: new Date(Date.parse(receivedAt)).toISOString(), stage: 'queued', detail });
    }
    return trace;
  });
}
