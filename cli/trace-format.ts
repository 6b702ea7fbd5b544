import type { EventTrace, TraceStage } from '#shared/platform/trace-timeline';
import type { LocalStatus } from '../local/status-journal.ts';

const STAGE_WIDTH = 'dead_lettered'.length + 2;

const WHAT_NEXT: Record<TraceStage, string> = {
  received: 'not queued (dry run or ?verify=1 that PostHog refused)',
  queued: 'waiting in the queue (see delivery status)',
  delivered: 'delivered: PostHog accepted it',
  retrying: 'not delivered yet: SQS hands it back for another try; if it stays so, see delivery status and dlq list',
  dead_lettered: 'dead-lettered: see dlq list, fix the cause, then dlq redrive (docs/operations.md)',
};

/** What happened to each event, for a terminal (pure). */
export function traceText(id: string, traces: readonly EventTrace[]): string {
  const blocks = traces.map((trace) => {
    const by = trace.matched_by === 'uuid' ? '' : ` (found by its ${trace.matched_by === 'insert_id' ? 'insert_id' : 'distinct_id'})`;
    const lines = [`Event ${trace.uuid}${by}`];
    for (const step of trace.steps) lines.push(`  ${step.at}  ${step.stage.padEnd(STAGE_WIDTH)}${step.detail}`);
    lines.push(`  Now: ${WHAT_NEXT[trace.status]}`);
    return lines.join('\n');
  });
  const head = traces.length === 1 ? '' : `${traces.length} events match ${id}\n\n`;
  return `${head}${blocks.join('\n\n')}\n`;
}

/** The trace as JSON: one entry per event, its steps in time order (numbers as numbers). */
export const traceJson = (id: string, traces: readonly EventTrace[]) => ({ id, events: traces });

/** The local runner's status view (pure). */
export function statusText(status: LocalStatus): string {
  const e = status.events;
  const requests = Object.entries(status.requests)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
  const lines = [
    `Local runner, since ${status.since} (the last ${status.max_lines} lines about events are kept)`,
    `Requests: ${requests || 'none yet'}`,
    `Events:   ${e.total} received: ${e.queued} queued, ${e.delivered} delivered, ${e.retrying} retrying, ${e.dead_lettered} dead-lettered, ${e.received} not queued`,
  ];
  if (status.recent.length > 0) {
    lines.push('', 'Latest events');
    for (const r of status.recent) lines.push(`  ${r.at}  ${r.uuid}  ${r.status.padEnd(STAGE_WIDTH)}${r.detail}`);
    lines.push('', 'One event in full: npx moengage-posthog trace --local <uuid | distinct_id | $insert_id>');
  }
  return `${lines.join('\n')}\n`;
}
