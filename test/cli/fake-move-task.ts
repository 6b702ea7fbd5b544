import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  type ListMessageMoveTasksResultEntry,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * SQS's message move task (the console's "Start DLQ redrive") for fauxqs, which does not implement it (fauxqs 2.4
 * has no StartMessageMoveTask or ListMessageMoveTasks action). The answers follow the SQS API reference
 * (docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html,
 * API_ListMessageMoveTasks.html):
 * - StartMessageMoveTask takes SourceArn (required; only a queue that is another SQS queue's dead-letter queue),
 *   DestinationArn and MaxNumberOfMessagesPerSecond (both optional) and answers {TaskHandle}; only one task may be
 *   active per queue.
 * - ListMessageMoveTasks(SourceArn, MaxResults) lists the source's most recent tasks first, with Status,
 *   ApproximateNumberOfMessagesMoved/ToMove; TaskHandle only while RUNNING.
 * The task really moves the messages in fauxqs, as they are (body and attributes), when it is started; the first
 * listing still says RUNNING so callers have to poll.
 */
export interface MoveTaskFake {
  starts: Array<{ SourceArn?: string | undefined; DestinationArn?: string | undefined; MaxNumberOfMessagesPerSecond?: number | undefined }>;
  tasks: ListMessageMoveTasksResultEntry[];
}

async function arnToUrl(sqs: SQSClient): Promise<Map<string, { url: string; dlqArn?: string }>> {
  const out = new Map<string, { url: string; dlqArn?: string }>();
  for (const url of (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []) {
    const a =
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'RedrivePolicy'] }))).Attributes ?? {};
    const policy = a.RedrivePolicy ? (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string }) : {};
    out.set(a.QueueArn ?? '', { url, ...(policy.deadLetterTargetArn ? { dlqArn: policy.deadLetterTargetArn } : {}) });
  }
  return out;
}

const sqsError = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client' });

async function moveAll(sqs: SQSClient, from: string, to: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: from, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }),
    );
    if (!got.Messages?.length) return moved;
    for (const m of got.Messages) {
      await sqs.send(new SendMessageCommand({ QueueUrl: to, MessageBody: m.Body ?? '', MessageAttributes: m.MessageAttributes }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: from, ReceiptHandle: m.ReceiptHandle ?? '' }));
      moved += 1;
    }
  }
}

/** Adds the two actions to a client talking to fauxqs; everything else goes to fauxqs as before. */
export function withMoveTasks(client: SQSClient, fake: MoveTaskFake = { starts: [], tasks: [] }): MoveTaskFake {
  let listed = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (context.commandName === 'StartMessageMoveTaskCommand') {
        const source = String(input.SourceArn ?? '');
        fake.starts.push({
          SourceArn: input.SourceArn as string,
          DestinationArn: input.DestinationArn as string | undefined,
          MaxNumberOfMessagesPerSecond: input.MaxNumberOfMessagesPerSecond as number | undefined,
        });
        const rate = input.MaxNumberOfMessagesPerSecond;
        if (rate !== undefined && (typeof rate !== 'number' || rate < 1 || rate > 500))
          throw sqsError('InvalidParameterValue', 'MaxNumberOfMessagesPerSecond must be between 1 and 500.');
        if (fake.tasks.some((t) => t.SourceArn === source && t.Status === 'RUNNING'))
          throw sqsError(
            'UnsupportedOperation',
            'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
          );
        const queues = await arnToUrl(client);
        const origin = [...queues.values()].find((q) => q.dlqArn === source);
        const sourceUrl = queues.get(source)?.url;
        if (!sourceUrl || !origin)
          throw sqsError('ResourceNotFoundException', "The resource that you specified for the SourceArn parameter doesn't exist.");
        const destination = input.DestinationArn === undefined ? origin.url : queues.get(String(input.DestinationArn))?.url;
        if (!destination)
          throw sqsError('ResourceNotFoundException', "The resource that you specified for the DestinationArn parameter doesn't exist.");
        const toMove = Number(
          (await client.send(new GetQueueAttributesCommand({ QueueUrl: sourceUrl, AttributeNames: ['ApproximateNumberOfMessages'] })))
            .Attributes?.ApproximateNumberOfMessages,
        );
        const TaskHandle = Buffer.from(JSON.stringify({ source, n: fake.tasks.length })).toString('base64');
        const moved = await moveAll(client, sourceUrl, destination);
        const task: ListMessageMoveTasksResultEntry = {
          TaskHandle,
          Status: 'RUNNING',
          SourceArn: source,
          ApproximateNumberOfMessagesMoved: 0,
          ApproximateNumberOfMessagesToMove: toMove,
          StartedTimestamp: 1795428000000,
        };
        if (input.DestinationArn !== undefined) task.DestinationArn = String(input.DestinationArn);
        fake.tasks.unshift(task);
        listed = 0;
        Object.defineProperty(task, 'finalMoved', { value: moved, enumerable: false });
        return { output: { TaskHandle, $metadata: {} }, response: {} } as never;
      }
      if (context.commandName === 'ListMessageMoveTasksCommand') {
        listed += 1;
        // The first listing after the start shows the task running; the next one completed.
        for (const t of fake.tasks) {
          if (t.Status === 'RUNNING' && listed > 1) {
            t.Status = 'COMPLETED';
            t.ApproximateNumberOfMessagesMoved = (t as { finalMoved?: number }).finalMoved ?? 0;
            delete t.TaskHandle;
          }
        }
        const results = fake.tasks.filter((t) => t.SourceArn === input.SourceArn).slice(0, Number(input.MaxResults ?? 1));
        return { output: { Results: results.map((t) => ({ ...t })), $metadata: {} }, response: {} } as never;
      }
      return next(args);
    },
    { step: 'initialize', name: 'fakeMessageMoveTasks' },
  );
  return fake;
}
