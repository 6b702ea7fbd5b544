import { DELIVERING, type DeliveryState, describeState } from '#shared/delivery/outage';
import { createQueueTagSwitch } from '#shared/platform/queue-tag-switch';
import { queueDepth } from '#shared/queue/depth';
import { FORMAT_HELP, FORMAT_OPTION, format, parse, printJson } from './args.ts';
import { type CliDeps, CommandError, EXIT, UsageError } from './io.ts';
import { formatAge, type OldestAge, oldestAgeFromCloudWatch, oldestAgeFromLocalSqs, queueNameOf } from './queue-age.ts';
import { explainAwsError, type QueueTarget, resolveQueues, TARGET_OPTIONS, targetHelp } from './targets.ts';

export const DELIVERY_HELP = `Usage: moengage-posthog delivery status [--format json] [where]
       moengage-posthog delivery pause [where]
       moengage-posthog delivery resume [where]

status   whether delivery to PostHog runs or is paused, why and since when, how many events wait in the queue and
         how long the oldest has waited (AWS: the queue's CloudWatch metric ApproximateAgeOfOldestMessage, at most
         a few minutes old; --local: read from the local SQS without receiving anything).
         Delivery pauses by itself when PostHog is unreachable or refuses the project key, and resumes by itself
         after a successful probe (docs/operations.md, "Outages").
pause    holds delivery (for PostHog maintenance, say): events wait in the queue, nothing is probed, until resume.
resume   resumes delivery now; the waiting events drain at the event source's full concurrency.
The prober applies pause and resume to the event source within OUTAGE_PROBE_SECONDS (1 minute by default).

Options
${FORMAT_HELP}
  --queue-url <url>    the main queue (default: the stack's QueueUrl output)
${targetHelp('queues')}
Examples
  moengage-posthog delivery status --stack MoEngagePostHogForwarder-prod --region eu-west-1
  moengage-posthog delivery pause --local
`;

const OPTIONS = { ...TARGET_OPTIONS, ...FORMAT_OPTION, 'queue-url': { type: 'string' }, 'dlq-url': { type: 'string' } } as const;

/** `delivery status | pause | resume` (the breaker state is a tag of the main queue). */
export async function runDelivery(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, DELIVERY_HELP, true);
  const action = positionals[0];
  if (action !== 'status' && action !== 'pause' && action !== 'resume') {
    throw new UsageError(`expected status, pause or resume, got ${action === undefined ? 'nothing' : `"${action}"`}`);
  }
  const output = format(values.format);
  const queues = await resolveQueues(values, deps);
  const { sqs, queueUrl } = queues;
  const deliverySwitch = createQueueTagSwitch({ sqs, queueUrl, cacheMs: 0, now: deps.now });
  try {
    if (action === 'pause') {
      const now = deps.now();
      await deliverySwitch.write({ status: 'paused', cause: 'operator', since: now, nextProbeAt: now });
      deps.stderr.write('delivery paused: events wait in the queue until "delivery resume"\n');
    } else if (action === 'resume') {
      await deliverySwitch.write(DELIVERING);
      deps.stderr.write('delivery resumed: the waiting events drain now\n');
    }
    const state = await deliverySwitch.read();
    const backlog = { ...(await queueDepth(sqs, queueUrl)), oldest: await oldestAge(queues, deps) };
    if (output === 'json') printJson(deps, statusJson(state, backlog));
    else deps.stdout.write(statusText(state, backlog, deps.now()));
    return EXIT.ok;
  } catch (error) {
    throw new CommandError(`cannot reach the queue: ${explainAwsError((error as Error).message)}`);
  }
}

/** What waits in the main queue: visible, in flight, and the age of the oldest message. */
export interface Backlog {
  waiting: number;
  inFlight: number;
  oldest: OldestAge;
}

/** The oldest message's age: CloudWatch in AWS, the local SQS's own inspection for the local runner. */
async function oldestAge(queues: QueueTarget, deps: CliDeps): Promise<OldestAge> {
  const name = queueNameOf(queues.queueUrl);
  try {
    if (queues.local && queues.target.endpoint) return await oldestAgeFromLocalSqs(deps.fetch, queues.target.endpoint, name, deps.now());
    return await oldestAgeFromCloudWatch(deps.cloudWatch(queues.target), name, deps.now());
  } catch (error) {
    // The age is a help, not the point: status still answers (the state and the backlog came from SQS).
    return { seconds: undefined, reason: explainAwsError((error as Error).message) };
  }
}

/** The status as JSON: times as ISO 8601, counts and ages as numbers (null when unknown, with the reason). */
export function statusJson(state: DeliveryState, backlog: Backlog): Record<string, unknown> {
  const { oldest } = backlog;
  const queue = {
    waiting: backlog.waiting,
    in_flight: backlog.inFlight,
    oldest_age_seconds: oldest.seconds ?? null,
    ...(oldest.seconds === undefined ? { oldest_age_unknown: oldest.reason } : { oldest_age_as_of: new Date(oldest.asOf).toISOString() }),
  };
  if (state.status === 'delivering') return { status: 'delivering', ...queue };
  return {
    status: 'paused',
    cause: state.cause,
    since: new Date(state.since).toISOString(),
    next_probe: state.cause === 'operator' ? null : new Date(state.nextProbeAt).toISOString(),
    last_error: state.lastError ?? null,
    ...queue,
  };
}

/** The status for a terminal (pure). */
export function statusText(state: DeliveryState, backlog: Backlog, now: number): string {
  const lines = [`Delivery: ${describeState(state)}`];
  if (state.status === 'paused') lines.push(`Paused for: ${formatAge(Math.max(0, (now - state.since) / 1000))}`);
  lines.push(`Waiting in the queue: ${backlog.waiting} event(s), ${backlog.inFlight} in flight`);
  const { oldest } = backlog;
  lines.push(
    oldest.seconds === undefined
      ? `Oldest waiting event: unknown (${oldest.reason})`
      : `Oldest waiting event: ${formatAge(oldest.seconds)}${oldest.asOf < now ? ` (as of ${new Date(oldest.asOf).toISOString()})` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
