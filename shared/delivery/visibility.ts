import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * How long a record that failed delivery stays invisible before SQS hands it out again, growing with its
 * ApproximateReceiveCount (docs/architecture.md, "Delivery semantics").
 */
export interface VisibilityPolicy {
  /** Visibility after the first failed receive; doubles with each further receive. */
  baseSeconds: number;
  /** Upper bound; never above MAX_RETRY_VISIBILITY_SECONDS. */
  capSeconds: number;
}

/**
 * SQS allows at most 12 h (43,200 s) of visibility counted from the receive, and rejects a ChangeMessageVisibility
 * that would go beyond (SQS API reference, ChangeMessageVisibility). Time already spent since the receive (the
 * batching window, up to 5 min, plus the invocation, up to 15 min) is kept aside.
 */
export const MAX_RETRY_VISIBILITY_SECONDS = 43_200 - 20 * 60;

/**
 * Seconds of visibility for a record received `receiveCount` times: exponential, "equal jitter" (between half and
 * all of the exponential value, so it still grows but failed records spread out), and never shorter than the
 * server's Retry-After. `random` returns [0, 1).
 */
export function retryVisibilitySeconds(
  policy: VisibilityPolicy,
  receiveCount: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const cap = Math.min(policy.capSeconds, MAX_RETRY_VISIBILITY_SECONDS);
  const attempt = Number.isFinite(receiveCount) && receiveCount >= 1 ? Math.floor(receiveCount) : 1;
  const exponential = Math.min(cap, policy.baseSeconds * 2 ** Math.min(attempt - 1, 30));
  const jittered = Math.ceil(exponential / 2 + random() * (exponential / 2));
  const floor = retryAfterMs === undefined ? 0 : Math.ceil(retryAfterMs / 1000);
  return Math.max(0, Math.min(cap, Math.max(jittered, floor)));
}

export interface VisibilityChange {
  /** SQS message id (used as the batch entry id). */
  id: string;
  receiptHandle: string;
  seconds: number;
}

export interface VisibilityController {
  /** Applies every change; resolves with the ids SQS refused (never rejects, a refusal only shortens a wait). */
  extend(changes: readonly VisibilityChange[]): Promise<Array<{ id: string; message: string }>>;
}

const ENTRY_ID = /[^A-Za-z0-9_-]/g;

/** ChangeMessageVisibilityBatch in groups of 10 on the queue the records came from. */
export function createVisibilityController(deps: { sqs: SQSClient; queueUrl: string }): VisibilityController {
  return {
    async extend(changes) {
      const refused: Array<{ id: string; message: string }> = [];
      for (let i = 0; i < changes.length; i += 10) {
        const group = changes.slice(i, i + 10);
        const byEntry = new Map(group.map((change, j) => [`v${j}_${change.id.replace(ENTRY_ID, '').slice(0, 60)}`, change]));
        try {
          const result = await deps.sqs.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: deps.queueUrl,
              Entries: [...byEntry].map(([Id, change]) => ({ Id, ReceiptHandle: change.receiptHandle, VisibilityTimeout: change.seconds })),
            }),
          );
          for (const failure of result.Failed ?? []) {
            refused.push({
              id: byEntry.get(failure.Id ?? '')?.id ?? failure.Id ?? '',
              message: failure.Message ?? failure.Code ?? 'refused',
            });
          }
        } catch (error) {
          for (const change of group) refused.push({ id: change.id, message: (error as Error).message });
        }
      }
      return refused;
    },
  };
}
