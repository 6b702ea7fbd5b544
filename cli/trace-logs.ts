import { type CloudWatchLogsClient, GetQueryResultsCommand, type ResultField, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { traceNeedles, traceQuery } from '#shared/platform/trace-keys';
import type { LogRecord } from '#shared/platform/trace-timeline';
import { type CliDeps, CommandError } from './io.ts';
import { explainAwsError } from './targets.ts';

/** Stack outputs naming the log groups a trace searches (infra/stack-outputs.ts). */
export const TRACE_LOG_OUTPUTS = ['IntakeLogGroupName', 'ForwarderLogGroupName'] as const;

/** StartQuery's `limit` may be at most 10,000 (CloudWatch Logs API reference, StartQuery). */
export const MAX_LINES = 10_000;
const POLL_MS = 1_000;
/** About two minutes of polling; the query itself may run up to 60 minutes in CloudWatch. */
const MAX_POLLS = 120;
const ENDED = new Set(['Failed', 'Cancelled', 'Timeout', 'Unknown']);

export interface LogsQuery {
  logGroups: readonly string[];
  start: Date;
  end: Date;
  /** The uuid, insert_id or distinct_id to trace. */
  id: string;
}

/**
 * The lines of the intake's and the forwarder's log groups that mention `id`, through CloudWatch Logs Insights:
 * StartQuery, then GetQueryResults until its status is Complete (Scheduled and Running answers are partial; Failed,
 * Cancelled, Timeout and Unknown end it). Each result row is a list of {field, value}; `@message` is the line the
 * function wrote (CloudWatch Logs API reference: API_StartQuery.html, API_GetQueryResults.html).
 */
export async function queryLogs(
  logs: Pick<CloudWatchLogsClient, 'send'>,
  query: LogsQuery,
  deps: Pick<CliDeps, 'sleep' | 'stderr'>,
): Promise<LogRecord[]> {
  let queryId: string | undefined;
  try {
    ({ queryId } = await logs.send(
      new StartQueryCommand({
        logGroupNames: [...query.logGroups],
        startTime: Math.floor(query.start.getTime() / 1000),
        endTime: Math.ceil(query.end.getTime() / 1000),
        queryString: traceQuery(traceNeedles(query.id), MAX_LINES),
        limit: MAX_LINES,
      }),
    ));
  } catch (error) {
    throw new CommandError(`cannot start the Logs Insights query: ${explainAwsError((error as Error).message)}`);
  }
  if (!queryId) throw new CommandError('StartQuery answered without a queryId');
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    const answer = await logs.send(new GetQueryResultsCommand({ queryId }));
    const status = answer.status ?? 'Unknown';
    if (status === 'Complete') {
      const rows = answer.results ?? [];
      if (rows.length >= MAX_LINES) deps.stderr.write(`only the first ${MAX_LINES} matching lines were read: give a shorter --since\n`);
      return rows.flatMap(lineOf);
    }
    if (ENDED.has(status)) throw new CommandError(`the Logs Insights query ${queryId} ended with status ${status}`);
    await deps.sleep(POLL_MS);
  }
  throw new CommandError(
    `the Logs Insights query ${queryId} had not finished after ${(MAX_POLLS * POLL_MS) / 1000} s: give a shorter --since`,
  );
}

/** One result row back to the line the function wrote; rows that are not JSON lines of ours are skipped. */
export function lineOf(row: readonly ResultField[]): LogRecord[] {
  const field = (name: string) => row.find((f) => f.field === name)?.value;
  const message = field('@message');
  if (!message) return [];
  let line: unknown;
  try {
    line = JSON.parse(message);
  } catch {
    return [];
  }
  if (!line || typeof line !== 'object' || Array.isArray(line)) return [];
  const record = line as LogRecord;
  // @timestamp reads "2026-11-28 10:00:00.000" (UTC) when the line has no time of its own.
  const stamp = field('@timestamp');
  if (typeof record.timestamp !== 'string' && stamp) record.timestamp = `${stamp.replace(' ', 'T')}Z`;
  return [record];
}
