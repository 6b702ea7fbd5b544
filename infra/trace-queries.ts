import { type ILogGroup, QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DELIVERY_LOG } from '../shared/delivery/delivery-log.ts';

/** What the saved "trace one event" query looks for until the operator puts an id there. */
export const TRACE_PLACEHOLDER = 'PUT-THE-UUID-OR-INSERT-ID-HERE';
/** Rows a saved query shows. */
const LIMIT = 1_000;

export interface TraceQueriesProps {
  stage: string;
  intakeLogs: ILogGroup;
  forwarderLogs: ILogGroup;
}

/**
 * Saved CloudWatch Logs Insights queries (console: Logs Insights → Saved queries, folder moengage-posthog/<stage>)
 * for the lookups `npx moengage-posthog trace` makes, over the lines of shared/delivery/delivery-log.ts and the
 * intake's request line (docs/operations.md, "Trace one event"). A saved query cannot hash a distinct_id: for a
 * person use the CLI, or put the `distinct_id_hash` it prints in place of the placeholder.
 */
export function addTraceQueries(scope: Construct, props: TraceQueriesProps): QueryDefinition[] {
  const folder = `moengage-posthog/${props.stage}`;
  const both = [props.intakeLogs, props.forwarderLogs];
  const saved = (id: string, name: string, logGroups: ILogGroup[], queryString: QueryString) =>
    new QueryDefinition(scope, id, { queryDefinitionName: `${folder}/${name}`, logGroups, queryString });
  return [
    saved(
      'TraceEventQuery',
      'trace one event (uuid or insert_id)',
      both,
      new QueryString({
        fields: ['@timestamp', '@message'],
        filterStatements: [`@message like "${TRACE_PLACEHOLDER}"`],
        sort: '@timestamp asc',
        limit: LIMIT,
      }),
    ),
    saved(
      'DeadLetteredQuery',
      'events dead-lettered',
      [props.forwarderLogs],
      new QueryString({
        fields: ['@timestamp', 'uuid', 'insert_id', 'reason', 'http_status', 'posthog_message', 'attempts', 'received_at'],
        filterStatements: [`message = "${DELIVERY_LOG.deadLettered}"`],
        sort: '@timestamp desc',
        limit: LIMIT,
      }),
    ),
    saved(
      'RetriedQuery',
      'deliveries retried',
      [props.forwarderLogs],
      new QueryString({
        fields: ['@timestamp', 'uuid', 'http_status', 'reason', 'attempts', 'receive_count', 'received_at'],
        filterStatements: [`message = "${DELIVERY_LOG.retried}"`],
        sort: '@timestamp desc',
        limit: LIMIT,
      }),
    ),
    saved(
      'RejectedRequestsQuery',
      'requests rejected, by reason',
      [props.intakeLogs],
      new QueryString({
        filterStatements: ['message = "intake request" and outcome = "rejected"'],
        statsStatements: ['count(*) as requests by reason, route'],
        sort: 'requests desc',
      }),
    ),
  ];
}
