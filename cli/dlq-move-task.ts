import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, type SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { RedriveTarget } from './dlq-queue.ts';

/** How often a running move task is polled (ListMessageMoveTasks). */
export const MOVE_TASK_POLL_MS = 2_000;
/** Messages per second (SQS allows up to 500): a moderate rate the forwarder's concurrency cap keeps up with (docs/operations.md). */
export const DEFAULT_MOVE_RATE = 50;

export interface MoveTaskResult {
  /** COMPLETED, FAILED or CANCELLED (ListMessageMoveTasks' Status). */
  status: string;
  moved: number;
  toMove: number | undefined;
  failureReason: string | undefined;
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const result = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = result.Attributes?.QueueArn;
  if (!arn) throw new Error(`no QueueArn for ${queueUrl}`);
  return arn;
}

/**
 * SQS's own redrive (the console's "Start DLQ redrive"): StartMessageMoveTask with the DLQ as source and the main
 * queue as destination (always given: the forwarder's own dead letters have no "original source" for SQS), then
 * ListMessageMoveTasks until the task ends. SQS moves the messages as they are (their
 * dlq_* attributes too; the forwarder ignores them and replaces them if it dead-letters the event again), at a rate
 * it picks from the backlog. Only one task may run per queue: a second start fails with SQS's message.
 * Reference: docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html and
 * API_ListMessageMoveTasks.html.
 */
export async function moveTask(
  target: RedriveTarget,
  deps: { sleep(ms: number): Promise<void> },
  rate: number,
  onProgress: (moved: number, toMove: number | undefined) => void,
): Promise<MoveTaskResult> {
  const { sqs } = target;
  const [source, destination] = [await queueArn(sqs, target.dlqUrl), await queueArn(sqs, target.queueUrl)];
  const started = await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: source, DestinationArn: destination, MaxNumberOfMessagesPerSecond: rate }),
  );
  for (;;) {
    // The most recent task of the source queue comes first; ours is the only one that can be running.
    const tasks = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: source, MaxResults: 10 }))).Results ?? [];
    const task = tasks.find((t) => t.TaskHandle === started.TaskHandle) ?? tasks[0];
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    const toMove = task?.ApproximateNumberOfMessagesToMove;
    onProgress(moved, toMove);
    const status = task?.Status ?? 'UNKNOWN';
    if (status !== 'RUNNING' && status !== 'CANCELLING') return { status, moved, toMove, failureReason: task?.FailureReason };
    await deps.sleep(MOVE_TASK_POLL_MS);
  }
}
