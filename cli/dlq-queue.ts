import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { planBatches } from '#shared/queue/event-queue';
import { messageSize } from '#shared/queue/message';
import { describeDeadLetter, redriveAttributes } from './dlq-format.ts';

/** How long received messages stay hidden while a command works on them. */
const REDRIVE_VISIBILITY_SECONDS = 120;

export async function approximateCount(sqs: SQSClient, queueUrl: string): Promise<number | undefined> {
  const result = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  const n = Number(result.Attributes?.ApproximateNumberOfMessages);
  return Number.isFinite(n) ? n : undefined;
}

export async function receive(sqs: SQSClient, queueUrl: string, max: number, visibility: number): Promise<Message[]> {
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

/** Makes messages visible again at once (after peeking, after a failed send, or when a filter skipped them). */
export async function release(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const entries = messages.slice(i, i + 10).map((m, j) => ({ Id: `r${j}`, ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

export interface RedriveResult {
  moved: number;
  failed: number;
  notDeleted: number;
}

export interface RedriveTarget {
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
}

/**
 * Moves up to `max` messages one by one (the local runner, or with a --reason filter): send to the main queue,
 * then delete from the DLQ only what was sent. Messages the main queue refused, and those the filter skips, stay
 * hidden for the rest of the run (so they are looked at once) and are made visible again at the end.
 */
export async function redrive(
  target: RedriveTarget,
  options: { max: number; reason?: string | undefined },
  onProgress: (moved: number) => void,
): Promise<RedriveResult> {
  const { sqs, dlqUrl } = target;
  const result: RedriveResult = { moved: 0, failed: 0, notDeleted: 0 };
  const skipped: Message[] = [];
  try {
    while (result.moved + result.failed < options.max) {
      const received = await receive(sqs, dlqUrl, options.max - result.moved - result.failed, REDRIVE_VISIBILITY_SECONDS);
      if (received.length === 0) break;
      const matches = (m: Message) => options.reason === undefined || describeDeadLetter(m).reason === options.reason;
      skipped.push(...received.filter((m) => !matches(m)));
      const messages = received.filter(matches);
      if (messages.length === 0) continue;
      const done = await sendBatch(target, messages);
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
  } finally {
    await release(sqs, dlqUrl, skipped).catch(() => undefined);
  }
  return result;
}

/** Sends the messages to the main queue with their own attributes (minus dlq_*); returns those SQS accepted. */
async function sendBatch({ sqs, queueUrl, dlqUrl }: RedriveTarget, messages: readonly Message[]): Promise<Message[]> {
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
    // may move them twice; PostHog usually keeps one copy of events with the same uuid, event, distinct_id and day).
    await release(
      sqs,
      dlqUrl,
      messages.filter((_, i) => !sentIds.has(`m${i}`)),
    ).catch(() => undefined);
    throw error;
  }
  return messages.filter((_, i) => sentIds.has(`m${i}`));
}
