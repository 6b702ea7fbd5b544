import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { toSqsRecord } from '../queue/sqs-record.ts';
import type { ProbeQueue } from './prober.ts';

/** Takes one waiting message for a probe, as the event source would hand it over (attributes included). */
export function createSqsProbeQueue(deps: { sqs: SQSClient; queueUrl: string; queueArn: string; hideSeconds: number }): ProbeQueue {
  return {
    async takeOne() {
      const result = await deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deps.queueUrl,
          MaxNumberOfMessages: 1,
          WaitTimeSeconds: 0,
          VisibilityTimeout: deps.hideSeconds,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const message = result.Messages?.[0];
      if (!message) return undefined;
      return toSqsRecord(message, deps.queueArn);
    },
    async isEmpty() {
      const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;
      const attributes =
        (await deps.sqs.send(new GetQueueAttributesCommand({ QueueUrl: deps.queueUrl, AttributeNames: [...names] }))).Attributes ?? {};
      return names.every((name) => Number(attributes[name] ?? 0) === 0);
    },
    async release(record) {
      await deps.sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: 0 }),
      );
    },
    async remove(record) {
      await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: record.receiptHandle }));
    },
  };
}
