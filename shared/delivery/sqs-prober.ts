import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDeadLetterQueue } from './dead-letter.ts';
import type { ProberDeps } from './prober.ts';
import { createSqsRequeue } from './requeue.ts';
import { createSqsProbeQueue } from './sqs-probe-queue.ts';
import { createQueueTagSwitch } from '../platform/queue-tag-switch.ts';

/**
 * What the prober needs of SQS, on the main queue and its DLQ: the breaker state (a queue tag, read fresh on every
 * tick), one message to probe with, re-queueing and dead-lettering. The same for the Lambda, the local runner and
 * the tests.
 */
export function sqsProberQueues(deps: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  /** How long the probe message stays hidden while it is being sent. */
  hideSeconds: number;
}): Pick<ProberDeps, 'switch' | 'queue' | 'requeue' | 'deadLetters'> {
  const { sqs, queueUrl } = deps;
  return {
    switch: createQueueTagSwitch({ sqs, queueUrl, cacheMs: 0, now: Date.now }),
    queue: createSqsProbeQueue({ sqs, queueUrl, queueArn: deps.queueArn, hideSeconds: deps.hideSeconds }),
    requeue: createSqsRequeue({ sqs, queueUrl }),
    deadLetters: createDeadLetterQueue({ sqs, dlqUrl: deps.dlqUrl }),
  };
}
