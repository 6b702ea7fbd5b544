import { type LogRecord, traceEvents } from '#shared/platform/trace-timeline';
import type { LocalStatus } from '../local/status-journal.ts';
import { LOCAL_ROUTES } from '../local/status-routes.ts';
import { FORMAT_HELP, FORMAT_OPTION, format, parse, printJson } from './args.ts';
import { type CliDeps, CommandError, EXIT, UsageError } from './io.ts';
import { localRunner } from './local-runner.ts';
import { DEFAULT_STACK, explainAwsError } from './targets.ts';
import { statusText, traceJson, traceText } from './trace-format.ts';
import { queryLogs, TRACE_LOG_OUTPUTS } from './trace-logs.ts';

export const TRACE_HELP = `Usage: moengage-posthog trace <uuid | distinct_id | $insert_id> [--since 24h] [--format json] [where]
       moengage-posthog trace --local [<uuid | distinct_id | $insert_id>]

What happened to one event: when the intake accepted and queued it, each delivery try and PostHog's answer, and
whether it was delivered or dead-lettered and why. The id is the event's uuid (the intake's answer lists it), its
$insert_id (connector) or MoEngage event_uuid (Streams), or a distinct_id (all of that person's events; the logs
keep only a hash of it). In AWS this is a CloudWatch Logs Insights query over the intake's and the forwarder's logs
(charged by the data scanned: keep --since short). With --local it asks the running npm start; without an id it
shows the local status: events received, queued, delivered, retrying and dead-lettered, and the latest ones.

Options
  --since <time>       how far back to look: 30m, 6h, 7d or an ISO 8601 time (default 24h)
${FORMAT_HELP}
  --log-group <name>   a log group to search instead of the stack's (repeat for more)

Where (AWS: your default credentials chain; log groups come from the stack outputs)
  --stack <name>       CloudFormation stack (default ${DEFAULT_STACK})
  --region <region>    AWS region (default: AWS_REGION or your profile)
  --local              the running local runner (npm start), found through the file it writes in
                       ~/.local/state/moengage-posthog
  -h, --help           this help
  --version            the CLI's version

Examples
  moengage-posthog trace 0193a0b0-7c1e-7000-8000-3f5d8a1e2b4c --stack MoEngagePostHogForwarder-prod --region eu-west-1
  moengage-posthog trace user-123 --since 7d
  moengage-posthog trace --local
`;

const OPTIONS = {
  ...FORMAT_OPTION,
  since: { type: 'string' },
  'log-group': { type: 'string', multiple: true },
  stack: { type: 'string' },
  region: { type: 'string' },
  local: { type: 'boolean' },
} as const;

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a span back from now (30m, 6h, 7d) or an ISO 8601 time (pure). */
export function sinceDate(value: string | undefined, now: Date): Date {
  const text = value ?? '24h';
  const span = /^(\d+)([mhd])$/.exec(text);
  if (span) return new Date(now.getTime() - Number(span[1]) * (UNITS[span[2] ?? 'h'] ?? 0));
  const at = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(at) && at <= now.getTime()) return new Date(at);
  throw new UsageError(`--since must be like 30m, 6h, 7d or a past ISO 8601 time, got "${text}"`);
}

/** `trace <id>`: what happened to one event, from the functions' logs (AWS) or the local runner's journal. */
export async function runTrace(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, TRACE_HELP, true);
  const output = format(values.format);
  if (positionals.length > 1) throw new UsageError(`give one id, got ${positionals.length}`);
  const id = positionals[0];
  if (values.local) {
    if (id === undefined) {
      const status = (await askLocal(deps, LOCAL_ROUTES.status)) as LocalStatus;
      if (output === 'json') printJson(deps, status);
      else deps.stdout.write(statusText(status));
      return EXIT.ok;
    }
    const { lines } = (await askLocal(deps, `${LOCAL_ROUTES.trace}?id=${encodeURIComponent(id)}`)) as { lines: LogRecord[] };
    return show(id, lines, 'the local runner has no line about it (it keeps the latest lines since it started)', output, deps);
  }
  if (id === undefined) throw new UsageError('give the uuid, distinct_id or $insert_id to trace (or --local alone for the local status)');
  const now = new Date(deps.now());
  const start = sinceDate(values.since, now);
  const target = { region: values.region };
  const logGroups = values['log-group'] ?? (await stackLogGroups(values.stack ?? DEFAULT_STACK, deps, target));
  deps.stderr.write(`searching ${logGroups.join(', ')} since ${start.toISOString()}…\n`);
  const lines = await queryLogs(deps.logs(target), { logGroups, start, end: now, id }, deps);
  const why = `no log line mentions it since ${start.toISOString()} (try a longer --since; a rejected request carries no event ids)`;
  return show(id, lines, why, output, deps);
}

function show(id: string, lines: readonly LogRecord[], none: string, output: 'text' | 'json', deps: CliDeps): number {
  const traces = traceEvents(lines, id);
  if (output === 'json') printJson(deps, traceJson(id, traces));
  else if (traces.length > 0) deps.stdout.write(traceText(id, traces));
  if (traces.length > 0) return EXIT.ok;
  deps.stderr.write(`${id}: ${none}\n`);
  return EXIT.failed;
}

async function stackLogGroups(stack: string, deps: CliDeps, target: { region?: string | undefined }): Promise<string[]> {
  let outputs: Record<string, string>;
  try {
    outputs = await deps.stackOutputs(stack, target);
  } catch (error) {
    throw new CommandError(`cannot read the outputs of stack ${stack}: ${explainAwsError((error as Error).message)}`);
  }
  const missing = TRACE_LOG_OUTPUTS.filter((key) => !outputs[key]);
  if (missing.length > 0) throw new CommandError(`stack ${stack} has no ${missing.join(' or ')} output: redeploy it, or pass --log-group`);
  return TRACE_LOG_OUTPUTS.map((key) => outputs[key] as string);
}

/** One GET to the running local runner's own routes, with its token. */
async function askLocal(deps: CliDeps, path: string): Promise<unknown> {
  const runner = await localRunner(deps);
  if (!runner.token) throw new CommandError('the local runner file holds no usable token (see the warning above)');
  let response: Response;
  try {
    response = await deps.fetch(`${runner.url}${path}`, { headers: { authorization: `Bearer ${runner.token}` } });
  } catch (error) {
    throw new CommandError(`cannot reach the local runner at ${runner.url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new CommandError(`the local runner answered ${response.status} to GET ${path}: ${await response.text()}`);
  return response.json();
}
