import { eventsIn, type LogRecord, TRACE_STAGES, type TraceStage, traceEvents } from '#shared/platform/trace-timeline';

/** What `GET /local/status` answers and `moengage-posthog trace --local` (without an id) shows. */
export interface LocalStatus {
  since: string;
  /** Lines kept (the journal forgets the oldest beyond `max_lines`). */
  lines: number;
  max_lines: number;
  /** Every request the intake answered since the start, by outcome (queued, rejected, dry_run, …). */
  requests: Record<string, number>;
  /** Events by where they stand now; `received` counts every event the journal still knows. */
  events: Record<TraceStage, number> & { total: number };
  recent: Array<{ uuid: string; status: TraceStage; at: string; detail: string }>;
}

export interface StatusJournal {
  /** One line a function logged (every line goes through; only the ones about events are kept). */
  add(line: LogRecord): void;
  /** The kept lines that mention `id` (a uuid, an insert_id, or a distinct_id by its hash). */
  linesAbout(id: string): LogRecord[];
  status(recent?: number): LocalStatus;
}

const aboutEvents = (line: LogRecord): boolean => Array.isArray(line.trace) || typeof line.uuid === 'string';

/**
 * The local runner's status journal: the functions' own log lines about events, in memory and bounded, read with the
 * same reader as CloudWatch Logs Insights answers in AWS (shared/platform/trace-timeline.ts).
 */
export function createStatusJournal(options: { maxLines?: number; now?: () => Date } = {}): StatusJournal {
  const maxLines = options.maxLines ?? 2_000;
  const since = (options.now ?? (() => new Date()))().toISOString();
  const kept: LogRecord[] = [];
  const requests: Record<string, number> = {};
  return {
    add(line) {
      if (line.message === 'intake request' && typeof line.outcome === 'string') requests[line.outcome] = (requests[line.outcome] ?? 0) + 1;
      if (!aboutEvents(line)) return;
      kept.push(line);
      if (kept.length > maxLines) kept.splice(0, kept.length - maxLines);
    },
    linesAbout: (id) => kept.filter((line) => traceEvents([line], id).length > 0),
    status(recent = 10) {
      const events = eventsIn(kept, () => 'uuid');
      const counts = Object.fromEntries(TRACE_STAGES.map((stage) => [stage, 0])) as Record<TraceStage, number>;
      for (const event of events) counts[event.status] += 1;
      const latest = events
        .map((event) => ({ event, step: event.steps.at(-1) }))
        .sort((a, b) => (a.step?.at ?? '').localeCompare(b.step?.at ?? ''))
        .slice(-recent)
        .map(({ event, step }) => ({ uuid: event.uuid, status: event.status, at: step?.at ?? '', detail: step?.detail ?? '' }));
      return { since, lines: kept.length, max_lines: maxLines, requests, events: { ...counts, total: events.length }, recent: latest };
    },
  };
}

/**
 * The console's access line for the intake's request line: method, route, status, outcome, reason and event count;
 * never a value, a header or a token (the line it reads holds none).
 */
export function accessLine(line: LogRecord): string | undefined {
  if (line.message !== 'intake request') return undefined;
  const parts = [`[intake] ${String(line.method)} ${String(line.route)} ${String(line.status)} ${String(line.outcome)}`];
  if (typeof line.reason === 'string') parts.push(`reason=${line.reason}`);
  if (typeof line.events === 'number') parts.push(`events=${line.events}`);
  if (typeof line.rejected === 'number' && line.rejected > 0) parts.push(`rejected=${line.rejected}`);
  return parts.join(' ');
}
