import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { format, parse, positiveInt } from './args.ts';
import { describeDeadLetter, formatDeadLetterList, redriveAttributes } from './dlq-format.ts';
import { planBatches } from '#shared/queue/event-queue';
import { messageSize } from '#shared/queue/message';
import { type CliDeps, CommandError, EXIT, UsageError } from './io.ts';
import { createProgress } from './progress.ts';
import { explainAwsError, resolveQueues, TARGET_OPTIONS, targetHelp } from './targets.ts';

export const DLQ_HELP = `Usage: moengage-posthog dlq list [--limit N] [--format json] [where]
       moengage-posthog dlq redrive [--max N] [where]

list     shows dead-lettered events with the reason (PostHog's HTTP status and message, attempts, first seen).
         Messages are only peeked: they stay in the dead-letter queue.
redrive  moves messages back to the main queue with their original attributes (minus dlq_*), deleting each from
         the dead-letter queue only after it was sent; shows a progress bar and the final count. The forwarder then
         delivers them again; PostHog deduplicates any that had arrived before (same uuid).

Options
  --limit N            list at most N messages (default 20)
  --max N              redrive at most N messages (default: all)
  --format text|json   list as JSON
  --queue-url <url>    the main queue (default: the stack's QueueUrl output)
  --dlq-url <url>      the dead-letter queue (default: the stack's DeadLetterQueueUrl output)
${targetHelp('queues')}
Examples
  moengage-posthog dlq list --stack MoEngagePostHogForwarder-prod --region eu-west-1
  moengage-posthog dlq redrive --local --dlq-url http://sqs.us-east-1.localhost:46383/000000000000/moengage-posthog-events-dlq
`;

const QUEUE_OPTIONS = { ...TARGET_OPTIONS, 'queue-url': { type: 'string' }, 'dlq-url': { type: 'string' } } as const;
const LIST_OPTIONS = { ...QUEUE_OPTIONS, limit: { type: 'string' }, format: { type: 'string' } } as const;
const REDRIVE_OPTIONS = { ...QUEUE_OPTIONS, max: { type: 'string' } } as const;

/** How long received messages stay hidden while a command works on them. */
const LIST_VISIBILITY_SECONDS = 30;
const REDRIVE_VISIBILITY_SECONDS = 120;

export async function approximateCount(sqs: SQSClient, queueUrl: string): Promise<number | undefined> {
  const result = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  const n = Number(result.Attributes?.ApproximateNumberOfMessages);
  return Number.isFinite(n) ? n : undefined;
}

async function receive(sqs: SQSClient, queueUrl: string, max: number, visibility: number): Promise<Message[]> {
  const result = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(10, max),
      VisibilityTimeout: visibility,
      // A 1 s long poll asks every SQS server, so an empty answer really means empty (a short poll samples a few).
      WaitTimeSeconds: 1,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return result.Messages ?? [];
}

/** Makes messages visible again at once (after peeking, or after a failed send). */
async function release(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const entries = messages.slice(i, i + 10).map((m, j) => ({ Id: `r${j}`, ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

const awsFailure = (what: string, error: unknown): CommandError =>
  new CommandError(`${what}: ${explainAwsError((error as Error).message)}`, { cause: error });

async function list(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, LIST_OPTIONS);
  if (values.help) {
    deps.stdout.write(DLQ_HELP);
    return EXIT.ok;
  }
  const limit = positiveInt(values.limit, 'limit', 20);
  const output = format(values.format);
  const { sqs, dlqUrl } = await resolveQueues(values, deps);
  const seen = new Map<string, Message>();
  try {
    const total = await approximateCount(sqs, dlqUrl);
    while (seen.size < limit) {
      const batch = await receive(sqs, dlqUrl, limit - seen.size, LIST_VISIBILITY_SECONDS);
      const fresh = batch.filter((m) => !seen.has(m.MessageId ?? ''));
      if (fresh.length === 0) break;
      for (const m of fresh) seen.set(m.MessageId ?? '', m);
    }
    await release(sqs, dlqUrl, [...seen.values()]);
    const views = [...seen.values()].slice(0, limit).map(describeDeadLetter);
    deps.stdout.write(output === 'json' ? `${JSON.stringify(views, null, 2)}\n` : formatDeadLetterList(views, dlqUrl, total));
  } catch (error) {
    throw awsFailure(`cannot read the dead-letter queue ${dlqUrl}`, error);
  }
  return EXIT.ok;
}

export interface RedriveResult {
  moved: number;
  failed: number;
  notDeleted: number;
}

/**
 * Moves up to `max` messages: send to the main queue, then delete from the DLQ only what was sent. Messages the
 * main queue refused stay hidden for the rest of the run (so they are counted once) and reappear in the DLQ after.
 */
export async function redrive(
  target: { sqs: SQSClient; queueUrl: string; dlqUrl: string },
  max: number,
  onProgress: (moved: number) => void,
): Promise<RedriveResult> {
  const { sqs, queueUrl, dlqUrl } = target;
  const result: RedriveResult = { moved: 0, failed: 0, notDeleted: 0 };
  while (result.moved + result.failed < max) {
    const messages = await receive(sqs, dlqUrl, max - result.moved - result.failed, REDRIVE_VISIBILITY_SECONDS);
    if (messages.length === 0) break;
    const encoded = messages.map((m) => ({ body: m.Body ?? '', attributes: redriveAttributes(m) }));
    const entries = encoded.map((m, i) => ({ Id: `m${i}`, MessageBody: m.body, MessageAttributes: m.attributes }));
    // SendMessageBatch takes at most 10 entries and 1 MiB in all; a DLQ message may be close to 1 MiB itself.
    const sentIds = new Set<string>();
    try {
      for (const batch of planBatches(entries, encoded.map(messageSize))) {
        const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch }));
        for (const s of sent.Successful ?? []) if (s.Id) sentIds.add(s.Id);
      }
    } catch (error) {
      // Unsent messages become visible in the DLQ again at once; sent ones are left hidden, not deleted (a rerun
      // may move them twice; PostHog deduplicates by uuid).
      await release(
        sqs,
        dlqUrl,
        messages.filter((_, i) => !sentIds.has(`m${i}`)),
      ).catch(() => undefined);
      throw error;
    }
    const done = messages.filter((_, i) => sentIds.has(`m${i}`));
    if (done.length > 0) {
      const deleted = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: done.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
      result.notDeleted += deleted.Failed?.length ?? 0;
    }
    result.moved += done.length;
    result.failed += messages.length - done.length;
    onProgress(result.moved);
    // A whole batch refused means the main queue refuses everything (permissions, missing queue): stop.
    if (done.length === 0) break;
  }
  return result;
}

async function runRedrive(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, REDRIVE_OPTIONS);
  if (values.help) {
    deps.stdout.write(DLQ_HELP);
    return EXIT.ok;
  }
  const max = positiveInt(values.max, 'max', Number.MAX_SAFE_INTEGER);
  const target = await resolveQueues(values, deps);
  let before: number | undefined;
  try {
    before = await approximateCount(target.sqs, target.dlqUrl);
  } catch (error) {
    throw awsFailure(`cannot read the dead-letter queue ${target.dlqUrl}`, error);
  }
  const total = Math.min(max, before ?? 0);
  deps.stdout.write(
    `Redriving ${total === max ? `up to ${max}` : `about ${total}`} message(s)\n  from ${target.dlqUrl}\n  to   ${target.queueUrl}\n`,
  );
  const progress = createProgress(deps.stdout);
  let result: RedriveResult;
  try {
    result = await redrive(target, max, (moved) => progress.update(moved, total));
  } catch (error) {
    progress.finish();
    throw awsFailure('redrive stopped', error);
  }
  progress.finish();
  const left = await approximateCount(target.sqs, target.dlqUrl).catch(() => undefined);
  const parts = [`Moved ${result.moved} message(s) to the main queue`];
  if (result.failed > 0) parts.push(`${result.failed} could not be sent and stay in the dead-letter queue`);
  if (result.notDeleted > 0)
    parts.push(`${result.notDeleted} were sent but not deleted (they will be redriven again; PostHog deduplicates them)`);
  if (left !== undefined) parts.push(`about ${left} left in the dead-letter queue`);
  deps.stdout.write(`${parts.join('; ')}.\n`);
  return result.failed > 0 || result.notDeleted > 0 ? EXIT.failed : EXIT.ok;
}

export async function runDlq(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h') {
    deps.stdout.write(DLQ_HELP);
    return action === undefined ? EXIT.usage : EXIT.ok;
  }
  if (action === 'list') return list(rest, deps);
  if (action === 'redrive') return runRedrive(rest, deps);
  throw new UsageError(`unknown dlq action "${action}": use "list" or "redrive"`);
}
