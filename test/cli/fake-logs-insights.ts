import {
  CloudWatchLogsClient,
  type GetQueryResultsCommandOutput,
  type QueryStatus,
  type ResultField,
  type StartQueryCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';

/** One line as CloudWatch Logs stored it: its log group, ingestion time (ms) and the text the function wrote. */
export interface StoredLine {
  logGroup: string;
  timestamp: number;
  message: string;
}

export interface LogsInsightsFake {
  client: Pick<CloudWatchLogsClient, 'send'>;
  starts: StartQueryCommandInput[];
  polls: number;
}

/**
 * CloudWatch Logs Insights for the trace command's tests, answering StartQuery and GetQueryResults as the CloudWatch
 * Logs API reference describes them (docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html,
 * API_GetQueryResults.html):
 * - StartQuery needs exactly one of logGroupName, logGroupNames and logGroupIdentifiers (at most 50 groups), startTime
 *   and endTime in seconds since the epoch (the range is inclusive), a queryString of at most 10,000 characters and a
 *   limit of 1–10,000 (default 1,000); a log group that does not exist is a ResourceNotFoundException, a query it
 *   cannot read a MalformedQueryException. It answers {queryId}.
 * - GetQueryResults answers {results, statistics: {recordsMatched, recordsScanned, bytesScanned}, status}: results is
 *   an array of rows, each an array of {field, value} holding the query's fields and `@ptr`; while the status is
 *   Scheduled or Running the results are partial; an unknown queryId is a ResourceNotFoundException.
 * The language read is the subset the trace query uses: `fields a, b | filter @message like "…" or … | sort @timestamp
 * asc|desc | limit N`. The first poll answers Running with part of the rows, so a caller must poll until Complete.
 */
export function fakeLogsInsights(
  lines: readonly StoredLine[],
  options: { end?: QueryStatus /** Log groups that exist (default: those of the lines). */; logGroups?: readonly string[] } = {},
): LogsInsightsFake {
  const queries = new Map<string, { rows: ResultField[][]; scanned: number; bytes: number }>();
  const fake: LogsInsightsFake = { client: undefined as never, starts: [], polls: 0 };
  const client = new CloudWatchLogsClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (context.commandName === 'StartQueryCommand') {
        const start = args.input as StartQueryCommandInput;
        fake.starts.push(start);
        const queryId = `q-${fake.starts.length}`;
        queries.set(queryId, run(lines, start, new Set(options.logGroups ?? lines.map((l) => l.logGroup))));
        return { output: { queryId, $metadata: {} }, response: {} } as never;
      }
      if (context.commandName === 'GetQueryResultsCommand') {
        fake.polls += 1;
        const query = queries.get(String(input.queryId));
        if (!query) throw awsError('ResourceNotFoundException', 'The specified query could not be found.');
        const running = fake.polls === 1;
        const status = running ? 'Running' : (options.end ?? 'Complete');
        const rows = running ? query.rows.slice(0, Math.floor(query.rows.length / 2)) : query.rows;
        const statistics = { recordsMatched: query.rows.length, recordsScanned: query.scanned, bytesScanned: query.bytes };
        const output: GetQueryResultsCommandOutput = { results: rows, statistics, status, $metadata: {} };
        return { output, response: {} } as never;
      }
      throw new Error(`the Logs Insights fake does not answer ${context.commandName}`);
    },
    { step: 'initialize', name: 'fakeLogsInsights' },
  );
  fake.client = client;
  return fake;
}

const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client' });

function run(
  lines: readonly StoredLine[],
  input: StartQueryCommandInput,
  known: ReadonlySet<string>,
): { rows: ResultField[][]; scanned: number; bytes: number } {
  const groups = [input.logGroupName, input.logGroupNames, input.logGroupIdentifiers].filter((g) => g !== undefined);
  if (groups.length !== 1)
    throw awsError('InvalidParameterException', 'Exactly one of logGroupName, logGroupNames or logGroupIdentifiers is required');
  const names = input.logGroupName ? [input.logGroupName] : (input.logGroupNames ?? input.logGroupIdentifiers ?? []);
  if (names.length < 1 || names.length > 50) throw awsError('InvalidParameterException', 'between 1 and 50 log groups');
  const unknown = names.find((n) => !known.has(n));
  if (unknown) throw awsError('ResourceNotFoundException', `Log group '${unknown}' does not exist for account ID '123456789012'`);
  const { startTime, endTime, queryString = '', limit = 1_000 } = input;
  if (!Number.isInteger(startTime) || !Number.isInteger(endTime) || (startTime ?? 0) > (endTime ?? 0))
    throw awsError('InvalidParameterException', 'startTime and endTime must be whole seconds, start before end');
  if (queryString.length < 1 || queryString.length > 10_000) throw awsError('InvalidParameterException', 'queryString length');
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw awsError('InvalidParameterException', 'limit must be 1-10000');
  const query = parse(queryString);
  const inRange = lines.filter(
    (l) => names.includes(l.logGroup) && l.timestamp >= (startTime ?? 0) * 1000 && l.timestamp <= (endTime ?? 0) * 1000 + 999,
  );
  const matched = inRange.filter((l) => query.needles.some((needle) => l.message.includes(needle)));
  matched.sort((a, b) => (query.descending ? b.timestamp - a.timestamp : a.timestamp - b.timestamp));
  const rows = matched
    .slice(0, Math.min(limit, query.limit))
    .map((l, i) => [
      ...query.fields.map((field) => ({ field, value: field === '@timestamp' ? stamp(l.timestamp) : l.message })),
      { field: '@ptr', value: `ptr-${i}` },
    ]);
  return { rows, scanned: inRange.length, bytes: inRange.reduce((n, l) => n + Buffer.byteLength(l.message), 0) };
}

/** `2026-11-28 10:00:00.000`, as Logs Insights shows @timestamp (UTC). */
const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

function parse(queryString: string): { fields: string[]; needles: string[]; descending: boolean; limit: number } {
  const out = { fields: [] as string[], needles: [] as string[], descending: false, limit: 10_000 };
  for (const command of queryString.split(/\n?\|\s*/)) {
    const text = command.trim();
    if (text.startsWith('fields '))
      out.fields = text
        .slice(7)
        .split(',')
        .map((f) => f.trim());
    else if (text.startsWith('filter ')) {
      const clauses = text.slice(7).split(' or ');
      for (const clause of clauses) {
        const like = /^@message like "([^"\\]*)"$/.exec(clause.trim());
        if (!like?.[1]) throw awsError('MalformedQueryException', `unexpected filter: ${clause}`);
        out.needles.push(like[1]);
      }
    } else if (/^sort @timestamp (asc|desc)$/.test(text)) out.descending = text.endsWith('desc');
    else if (/^limit \d+$/.test(text)) out.limit = Number(text.slice(6));
    else throw awsError('MalformedQueryException', `unexpected command: ${text}`);
  }
  if (out.fields.some((f) => f !== '@timestamp' && f !== '@message')) throw awsError('MalformedQueryException', 'fields');
  return out;
}
