import { DELIVERING, type DeliveryState, describeState } from '#shared/delivery/outage';
import { createQueueTagSwitch } from '#shared/platform/queue-tag-switch';
import { queueDepth } from '#shared/queue/depth';
import { FORMAT_HELP, FORMAT_OPTION, format, parse, printJson } from './args.ts';
import { type CliDeps, CommandError, EXIT, UsageError } from './io.ts';
import { explainAwsError, resolveQueues, TARGET_OPTIONS, targetHelp } from './targets.ts';

export const DELIVERY_HELP = `Usage: moengage-posthog delivery status [--format json] [where]
       moengage-posthog delivery pause [where]
       moengage-posthog delivery resume [where]

status   whether delivery to PostHog runs or is paused, why and since when, and how many events wait in the queue.
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
  const { sqs, queueUrl } = await resolveQueues(values, deps);
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
    const { waiting, inFlight } = await queueDepth(sqs, queueUrl);
    if (output === 'json') printJson(deps, statusJson(state, waiting, inFlight));
    else deps.stdout.write(statusText(state, waiting, inFlight, deps.now()));
    return EXIT.ok;
  } catch (error) {
    throw new CommandError(`cannot reach the queue: ${explainAwsError((error as Error).message)}`);
  }
}

/** The status as JSON: times as ISO 8601, counts as numbers. */
export function statusJson(state: DeliveryState, waiting: number, inFlight: number): Record<string, unknown> {
  if (state.status === 'delivering') return { status: 'delivering', waiting, in_flight: inFlight };
  return {
    status: 'paused',
    cause: state.cause,
    since: new Date(state.since).toISOString(),
    next_probe: state.cause === 'operator' ? null : new Date(state.nextProbeAt).toISOString(),
    last_error: state.lastError ?? null,
    waiting,
    in_flight: inFlight,
  };
}

/** The status for a terminal (pure). */
export function statusText(state: DeliveryState, waiting: number, inFlight: number, now: number): string {
  const lines = [`Delivery: ${describeState(state)}`];
  if (state.status === 'paused') lines.push(`Paused for: ${Math.round((now - state.since) / 60_000)} min`);
  lines.push(`Waiting in the queue: ${waiting} event(s), ${inFlight} in flight`);
  return `${lines.join('\n')}\n`;
}
