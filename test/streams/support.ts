import { CreateQueueCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import batch from '../fixtures/streams/batch.json' with { type: 'json' };

/** A fresh copy of the documented-shape fixture batch. */
export const fixtureBatch = (): typeof batch => structuredClone(batch);

/** `count` valid events in one batch, like a full MoEngage Streams request (100 by default). */
export function largeBatch(count: number, requestId = 'req-large'): Record<string, unknown> {
  const template = batch.events[0];
  return {
    app_name: 'Acme Shop',
    source: 'MOENGAGE',
    moe_request_id: requestId,
    events: Array.from({ length: count }, (_, i) => ({ ...template, event_uuid: `${requestId}-evt-${i}`, uid: `customer-${i}` })),
  };
}

let queues = 0;

/** A new, empty queue on the in-process SQS server, so tests never see each other's messages. */
export async function createQueue(client: SQSClient, prefix: string): Promise<string> {
  queues += 1;
  const result = await client.send(new CreateQueueCommand({ QueueName: `${prefix}-${queues}` }));
  if (!result.QueueUrl) throw new Error(`the SQS server returned no URL for queue ${prefix}-${queues}`);
  return result.QueueUrl;
}

/** Receives every message currently in the queue (short polls until one comes back empty). */
export async function drainQueue(client: SQSClient, queueUrl: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const result = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }),
    );
    if (!result.Messages?.length) return messages;
    messages.push(...result.Messages);
  }
}
