import { DESTRUCTIVE_HELP, DESTRUCTIVE_OPTIONS, FORMAT_HELP, FORMAT_OPTION } from './args.ts';
import { CommandError } from './io.ts';
import { explainAwsError, TARGET_OPTIONS, type TargetFlags, targetHelp } from './targets.ts';

export const DLQ_HELP = `Usage: moengage-posthog dlq list [--limit N] [--format json] [where]
       moengage-posthog dlq redrive [--reason R] [--max N] [--yes] [--dry-run] [--format json] [where]

list     shows dead-lettered events with the reason (PostHog's HTTP status and message, attempts, first seen).
         Messages are only peeked: they stay in the dead-letter queue.
redrive  moves messages back to the main queue. In AWS it starts SQS's own message move task (as the console's
         "Start DLQ redrive" does) and follows it; with --reason or --max, and locally, it moves them one by one
         with their original attributes (minus dlq_*), deleting each only after it was sent. The forwarder then
         delivers them again; PostHog usually keeps one copy of events with the same uuid, event, distinct_id and
         day (docs/troubleshooting.md, "Duplicates are visible for a while").

Options
  --limit N            list at most N messages (default 20)
  --reason R           redrive only messages dead-lettered for R: rejected, malformed or max_receives
  --max N              redrive at most N messages (default: all)
  --rate N             the move task's messages per second, at most 500 (default 50: the forwarder keeps up)
${DESTRUCTIVE_HELP}
${FORMAT_HELP}
  --queue-url <url>    the main queue (default: the stack's QueueUrl output)
  --dlq-url <url>      the dead-letter queue (default: the stack's DeadLetterQueueUrl output)
${targetHelp('queues')}
Examples
  moengage-posthog dlq list --stack MoEngagePostHogForwarder-prod --region eu-west-1
  moengage-posthog dlq redrive --local --reason max_receives --yes
`;

export const QUEUE_OPTIONS = { ...TARGET_OPTIONS, 'queue-url': { type: 'string' }, 'dlq-url': { type: 'string' } } as const;
export const LIST_OPTIONS = { ...QUEUE_OPTIONS, ...FORMAT_OPTION, limit: { type: 'string' } } as const;
export const REDRIVE_OPTIONS = {
  ...QUEUE_OPTIONS,
  ...FORMAT_OPTION,
  ...DESTRUCTIVE_OPTIONS,
  max: { type: 'string' },
  reason: { type: 'string' },
  rate: { type: 'string' },
} as const;

export const awsFailure = (what: string, error: unknown): CommandError =>
  new CommandError(`${what}: ${explainAwsError((error as Error).message)}`, { cause: error });

/** The flags that found the queues, to repeat in a hint (` --local`, ` --stack X --region Y`). */
export function whereFlags(flags: TargetFlags): string {
  if (flags.local) return ' --local';
  return `${flags.stack ? ` --stack ${flags.stack}` : ''}${flags.region ? ` --region ${flags.region}` : ''}`;
}
