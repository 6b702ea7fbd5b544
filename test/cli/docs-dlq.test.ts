import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { createDeadLetterQueue } from '#shared/delivery/dead-letter';
import { encodeMessage } from '#shared/queue/message';
import { type LocalSqs, startLocalSqs } from '../../local/sqs-server.ts';
import { withMoveTasks } from './fake-move-task.ts';
import { harness } from './harness.ts';

// docs/troubleshooting.md, "The dead-letter queue": the dlq list hints and the whole dlq redrive session are what the
// commands print in AWS (the queue URLs of the doc stand for the in-process SQS's; SQS's move task is the fake's).
const troubleshooting = readFileSync(resolve(import.meta.dirname, '../../docs/troubleshooting.md'), 'utf8');
const DOC_DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/MoEngagePostHogForwarder-prod-DeadLetterQueue';
const DOC_QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/MoEngagePostHogForwarder-prod-EventQueue';

const block = (command: string): string[] => {
  const found = [...troubleshooting.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.startsWith(`$ ${command}\n`));
  return (found ?? '').split('\n').slice(1);
};

function message(n: number) {
  return encodeMessage({
    event: {
      event: 'purchase_completed',
      distinct_id: `user-${n}`,
      properties: {},
      timestamp: '2026-11-23T09:12:00.000Z',
      uuid: `0193a0b0-5d1e-7c4a-9b2f-00000000000${n}`,
    },
    destination: 'https://eu.i.posthog.com',
    origin: 'connector',
    receivedAt: '2026-11-23T09:12:00.412Z',
  });
}

describe('docs/troubleshooting.md shows what dlq list and dlq redrive print', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startLocalSqs();
    // As in the doc: one event PostHog rejected, two moved by SQS after too many receives.
    const rejected = message(1);
    const record = {
      messageId: 'm1',
      body: rejected.body,
      attributes: { ApproximateReceiveCount: '1', ApproximateFirstReceiveTimestamp: '1795424321000' },
      messageAttributes: {},
    } as unknown as SQSRecord;
    await createDeadLetterQueue({ sqs: sqs.client, dlqUrl: sqs.dlqUrl }).send(record, {
      reason: 'rejected',
      httpStatus: 400,
      message: 'invalid',
      attempts: 1,
    });
    for (const n of [2, 3]) {
      const m = message(n);
      await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.dlqUrl, MessageBody: m.body, MessageAttributes: m.attributes }));
    }
  });
  afterAll(() => sqs.close());

  const aws = () => {
    const cli = harness({ stacks: { 'MoEngagePostHogForwarder-prod': { DeadLetterQueueUrl: sqs.dlqUrl, QueueUrl: sqs.queueUrl } } });
    const make = cli.deps.sqs;
    cli.deps.sqs = (target) => {
      const client = make({ ...target, endpoint: sqs.endpoint });
      withMoveTasks(client);
      return client;
    };
    return cli;
  };
  const asDoc = (text: string) => text.replaceAll(sqs.dlqUrl, DOC_DLQ).replaceAll(sqs.queueUrl, DOC_QUEUE);

  it('dlq list ends with the counts and the hints for the same where-flags', async () => {
    const cli = aws();
    try {
      expect((await cli.run(['dlq', 'list', '--region', 'eu-west-1'])).code).toBe(0);
      const doc = block('npx moengage-posthog dlq list --region eu-west-1');
      expect(doc.length).toBeGreaterThan(5);
      expect(asDoc(cli.terminal.text).split('\n').slice(-5)).toEqual(doc.slice(-5));
    } finally {
      cli.close();
    }
  });

  it('dlq redrive asks, then follows the move task to the end', async () => {
    const cli = aws();
    // A terminal: the question on stderr, answered y.
    cli.deps.confirm = async (question) => {
      cli.deps.stderr.write(`${question}y\n`);
      return true;
    };
    try {
      expect((await cli.run(['dlq', 'redrive', '--region', 'eu-west-1'])).code).toBe(0);
      expect(asDoc(cli.terminal.text).split('\n')).toEqual(block('npx moengage-posthog dlq redrive --region eu-west-1'));
    } finally {
      cli.close();
    }
  });
});
