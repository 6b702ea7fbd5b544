import { type Message, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { createDeadLetterQueue } from '#shared/delivery/dead-letter';
import { encodeMessage } from '#shared/queue/message';
import { approximateCount } from '../../cli/dlq-queue.ts';
import { summary } from '../../cli/dlq-redrive.ts';
import { describeDeadLetter, reasonLine, redriveAttributes } from '../../cli/dlq-format.ts';
import { progressBar } from '../../cli/progress.ts';
import { explainAwsError, localEndpointFrom } from '../../cli/targets.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs-server.ts';
import { type MoveTaskFake, withMoveTasks } from './fake-move-task.ts';
import { type Harness, harness } from './harness.ts';

const event = (n: number) => ({
  event: 'purchase_completed',
  distinct_id: `user-${n}`,
  properties: { amount: n },
  timestamp: '2026-11-23T10:00:00.000Z',
  uuid: `0193a0b0-0000-7000-8000-00000000000${n}`,
});

/** The SQS record the forwarder had in hand when it dead-lettered (as the event source mapping builds it). */
function record(n: number): SQSRecord {
  const encoded = encodeMessage({
    event: event(n),
    destination: 'https://eu.i.posthog.com',
    origin: 'connector',
    receivedAt: '2026-11-23T10:00:01.000Z',
  });
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(encoded.attributes)) {
    messageAttributes[name] = { dataType: 'String', stringValue: value.StringValue ?? '', stringListValues: [], binaryListValues: [] };
  }
  return {
    messageId: `main-${n}`,
    receiptHandle: 'r',
    body: encoded.body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795428001000',
      SenderId: 'intake',
      ApproximateFirstReceiveTimestamp: '1795428002000',
    },
    messageAttributes,
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:moengage-posthog-events',
    awsRegion: 'us-east-1',
  };
}

async function drain(sqs: LocalSqs, queueUrl: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const r = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 60,
      }),
    );
    if (!r.Messages?.length) return out;
    out.push(...r.Messages);
  }
}

describe('dlq list and redrive against the local runner queues (fauxqs)', () => {
  let sqs: LocalSqs;
  let cli: Harness;

  beforeEach(async () => {
    sqs = await startLocalSqs();
    // `--local` finds these queues the way it finds a running npm start: through the runner's discovery file.
    const runner = { pid: process.pid, url: 'http://127.0.0.1:1', token: undefined, startedAt: '2026-11-28T21:00:00.000Z' };
    const found = { ...runner, sqsEndpoint: sqs.endpoint, queueUrl: sqs.queueUrl, dlqUrl: sqs.dlqUrl };
    cli = harness({ localRunner: async () => ({ found, tokenDropped: false }) });
    // Two dead-lettered by the forwarder itself (PostHog answered 400), one moved by SQS after maxReceiveCount.
    const dlq = createDeadLetterQueue({ sqs: sqs.client, dlqUrl: sqs.dlqUrl });
    await dlq.send(record(1), { reason: 'rejected', httpStatus: 400, message: 'failed to parse request: invalid uuid', attempts: 1 });
    await dlq.send(record(2), { reason: 'rejected', httpStatus: 413, message: 'EventTooBig', attempts: 1 });
    const moved = encodeMessage({
      event: event(3),
      destination: 'https://eu.i.posthog.com',
      origin: 'connector',
      receivedAt: '2026-11-23T10:00:03.000Z',
    });
    await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.dlqUrl, MessageBody: moved.body, MessageAttributes: moved.attributes }));
  });
  afterEach(async () => {
    cli.close();
    await sqs.close();
  });

  it('lists each dead-lettered event with its reason and leaves them in the queue', async () => {
    const result = await cli.run(['dlq', 'list', '--local', '--endpoint', sqs.endpoint]);
    expect(result.code).toBe(0);
    // What to do next goes to stderr, repeating --local so the hint runs as it is.
    expect(result.stderr).toBe(
      'Rejected events come back at once if redriven unchanged: PostHog refused their content.\n' +
        'Move only the others back with: moengage-posthog dlq redrive --local --reason max_receives\n' +
        'After fixing the cause (e.g. the PostHog key), move them back with: moengage-posthog dlq redrive --local\n',
    );
    expect(result.stdout).toContain(`Dead-letter queue ${sqs.dlqUrl} (about 3 message(s) in the queue)`);
    expect(result.stdout).toContain(
      'purchase_completed  distinct_id=user-1  uuid=0193a0b0-0000-7000-8000-000000000001  timestamp=2026-11-23T10:00:00.000Z\n' +
        '   reason: rejected: PostHog rejected it (HTTP 400, 1 attempt(s)): "failed to parse request: invalid uuid"\n' +
        '   first seen 2026-11-23T10:00:02.000Z, received 2026-11-23T10:00:01.000Z, destination https://eu.i.posthog.com, message ',
    );
    expect(result.stdout).toContain('(was main-1)');
    expect(result.stdout).toContain('reason: rejected: PostHog rejected it (HTTP 413, 1 attempt(s)): "EventTooBig"');
    expect(result.stdout).toContain('reason: max_receives: SQS moved it after too many failed deliveries');
    expect(result.stdout).toContain('Shown: 3. By reason: ');
    expect(await approximateCount(sqs.client, sqs.dlqUrl)).toBe(3);
    // Peeked messages are visible again at once: a second listing sees them all.
    const again = await cli.run([
      'dlq',
      'list',
      '--local',
      '--dlq-url',
      sqs.dlqUrl,
      '--queue-url',
      sqs.queueUrl,
      '--format',
      'json',
      '--limit',
      '2',
    ]);
    expect(again.code).toBe(0);
    const views = JSON.parse(again.stdout) as Array<{ reason: string; uuid: string; http_status?: number; attempts?: number }>;
    expect(views).toHaveLength(2);
    expect(views.every((v) => v.uuid.startsWith('0193a0b0'))).toBe(true);
    // Numbers as numbers.
    for (const v of views.filter((v) => v.reason === 'rejected')) expect(v).toMatchObject({ http_status: expect.any(Number), attempts: 1 });
  });

  it('redrives with the original attributes minus dlq_*, deleting from the DLQ, with plain progress lines off a TTY', async () => {
    const result = await cli.run(['dlq', 'redrive', '--local', '--dlq-url', sqs.dlqUrl, '--max', '2', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `Redriving up to 2 message(s)\n  from ${sqs.dlqUrl}\n  to   ${sqs.queueUrl}\n  by   receiving, sending and deleting each message\nmoved 2/2\n`,
    );
    expect(result.stdout).toBe('Moved 2 message(s) to the main queue; about 1 left in the dead-letter queue.\n');
    const main = await drain(sqs, sqs.queueUrl);
    expect(main).toHaveLength(2);
    for (const m of main) {
      expect(Object.keys(m.MessageAttributes ?? {}).sort()).toEqual(['destination', 'origin', 'received_at']);
      expect(JSON.parse(m.Body ?? '')).toMatchObject({ event: 'purchase_completed', timestamp: '2026-11-23T10:00:00.000Z' });
    }
    expect(await approximateCount(sqs.client, sqs.dlqUrl)).toBe(1);
  });

  it('draws a progress bar on a TTY and moves everything without --max', async () => {
    const tty = harness({ tty: true });
    try {
      const result = await tty.run(['dlq', 'redrive', '--local', '--endpoint', sqs.endpoint, '--yes']);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`\r${progressBar(3, 3)}\n`);
      expect(result.stdout).toContain('Moved 3 message(s) to the main queue; about 0 left in the dead-letter queue.');
      expect(await drain(sqs, sqs.queueUrl)).toHaveLength(3);
    } finally {
      tty.close();
    }
  });

  it('finds the queues from the stack outputs, and says which output is missing', async () => {
    const stacks = {
      'MoEngagePostHogForwarder-prod': { DeadLetterQueueUrl: sqs.dlqUrl, QueueUrl: sqs.queueUrl },
      'MoEngagePostHogForwarder-old': { DeadLetterQueueUrl: sqs.dlqUrl },
    };
    const aws = harness({ stacks });
    try {
      const listed = await aws.run(['dlq', 'list', '--endpoint', sqs.endpoint, '--limit', '1']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain('Shown: 1.');
      const old = await aws.run(['dlq', 'redrive', '--stack', 'MoEngagePostHogForwarder-old', '--endpoint', sqs.endpoint]);
      expect(old).toMatchObject({
        code: 1,
        stderr: 'moengage-posthog dlq: stack MoEngagePostHogForwarder-old has no QueueUrl output; pass --queue-url\n',
      });
      const none = await aws.run(['dlq', 'list', '--stack', 'Nope', '--endpoint', sqs.endpoint]);
      expect(none).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read the outputs of stack Nope') });
    } finally {
      aws.close();
    }
  });

  it('stops with exit code 1 when the main queue refuses, leaving every message in the DLQ', async () => {
    const missing = sqs.queueUrl.replace('moengage-posthog-events', 'no-such-queue');
    const result = await cli.run([
      'dlq',
      'redrive',
      '--local',
      '--endpoint',
      sqs.endpoint,
      '--dlq-url',
      sqs.dlqUrl,
      '--queue-url',
      missing,
      '--yes',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\nmoengage-posthog dlq: redrive stopped: .+\n$/);
    expect(await approximateCount(sqs.client, sqs.dlqUrl)).toBe(3);
    expect(await drain(sqs, sqs.queueUrl)).toEqual([]);
  });

  it('refuses to redrive without --yes when no one can be asked, and changes nothing with --dry-run', async () => {
    const refused = await cli.run(['dlq', 'redrive', '--local']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `Move about 3 message(s) from ${sqs.dlqUrl} back to ${sqs.queueUrl}? Not asked: this run is not interactive. Pass --yes to go ahead, or --dry-run to only see what would change`,
    );
    const dry = await cli.run(['dlq', 'redrive', '--local', '--dry-run', '--reason', 'rejected', '--format', 'json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({
      dry_run: true,
      method: 'one_by_one',
      messages: 2,
      reason: 'rejected',
      from: sqs.dlqUrl,
      to: sqs.queueUrl,
    });
    cli.deps.confirm = async () => false; // a terminal that answers N
    expect(await cli.run(['dlq', 'redrive', '--local'])).toMatchObject({ code: 1, stderr: expect.stringContaining('not confirmed') });
    expect(await approximateCount(sqs.client, sqs.dlqUrl)).toBe(3);
    expect(await drain(sqs, sqs.queueUrl)).toEqual([]);
  });

  it('redrives only the messages of one --reason, leaving the others in the dead-letter queue', async () => {
    const result = await cli.run(['dlq', 'redrive', '--local', '--reason', 'max_receives', '--yes', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ method: 'one_by_one', moved: 1, failed: 0, not_deleted: 0, left: 2 });
    const moved = await drain(sqs, sqs.queueUrl);
    expect(moved.map((m) => (JSON.parse(m.Body ?? '') as { distinct_id: string }).distinct_id)).toEqual(['user-3']);
    const left = await cli.run(['dlq', 'list', '--local', '--format', 'json']);
    expect((JSON.parse(left.stdout) as Array<{ reason: string }>).map((v) => v.reason)).toEqual(['rejected', 'rejected']);
  });

  it("uses SQS's message move task in AWS: DLQ as source, the main queue as destination, polled until done", async () => {
    const aws = harness({ stacks: { 'MoEngagePostHogForwarder-prod': { DeadLetterQueueUrl: sqs.dlqUrl, QueueUrl: sqs.queueUrl } } });
    const client = aws.deps.sqs;
    const fake: MoveTaskFake = { starts: [], tasks: [] };
    aws.deps.sqs = (target) => {
      const c = client(target);
      withMoveTasks(c, fake);
      return c;
    };
    try {
      const result = await aws.run(['dlq', 'redrive', '--endpoint', sqs.endpoint, '--yes']);
      expect(result.stderr).toContain("  by   SQS's message move task\nmoved 0/3\nmoved 3/3\n");
      expect(result).toMatchObject({ code: 0, stdout: 'Moved 3 message(s) to the main queue; about 0 left in the dead-letter queue.\n' });
      expect(fake.starts).toEqual([
        {
          SourceArn: 'arn:aws:sqs:us-east-1:000000000000:moengage-posthog-events-dlq',
          DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:moengage-posthog-events',
          MaxNumberOfMessagesPerSecond: 50,
        },
      ]);
      // SQS moves messages as they are: the dlq_* reasons travel along (the forwarder ignores them).
      const moved = await drain(sqs, sqs.queueUrl);
      expect(moved).toHaveLength(3);
      expect(moved.filter((m) => m.MessageAttributes?.dlq_reason?.StringValue === 'rejected')).toHaveLength(2);
      // SQS runs one task per queue at a time: a second start is refused, and said so.
      fake.tasks.unshift({ Status: 'RUNNING', SourceArn: fake.starts[0]?.SourceArn, TaskHandle: 'other' });
      const busy = await aws.run(['dlq', 'redrive', '--endpoint', sqs.endpoint, '--yes']);
      expect(busy).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('the message move task could not run: There is already a task running'),
      });
      fake.tasks.shift();
      // A filter needs to look at each message: one by one, no move task.
      await aws.run(['dlq', 'redrive', '--endpoint', sqs.endpoint, '--reason', 'rejected', '--yes']);
      expect(fake.starts).toHaveLength(2);
    } finally {
      aws.close();
    }
  });

  it('reports an empty dead-letter queue', async () => {
    await cli.run(['dlq', 'redrive', '--local', '--endpoint', sqs.endpoint, '--yes']);
    const result = await cli.run(['dlq', 'list', '--local', '--endpoint', sqs.endpoint]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: `Dead-letter queue ${sqs.dlqUrl} (about 0 message(s) in the queue)\nNo dead-lettered events.\n`,
    });
  });

  it.each([
    [['dlq', 'list', '--limit', '0', '--local', '--endpoint', 'http://127.0.0.1:1'], '--limit must be a positive whole number'],
    [['dlq', 'list', '--bogus'], "Unknown option '--bogus'"],
    [['dlq', 'list', '--local', '--endpoint', 'not-a-url'], '--endpoint must be an http(s) URL'],
    [['dlq', 'redrive', '--limit', '3'], "Unknown option '--limit'"],
    [['dlq', 'purge'], 'unknown dlq action "purge"'],
    [['dlq', 'redrive', '--reason', 'bogus'], '--reason must be one of rejected, malformed, max_receives'],
    [['dlq', 'redrive', '--rate', '501'], '--rate is at most 500 messages per second'],
  ])('answers %j with exit code 2', async (argv, message) => {
    const result = await cli.run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('dead-letter formatting', () => {
  it.each([
    [
      { method: 'move_task', status: 'COMPLETED', moved: 3, failed: 0, not_deleted: 0, left: 0 },
      'Moved 3 message(s) to the main queue; about 0 left in the dead-letter queue.\n',
    ],
    [
      {
        method: 'move_task',
        status: 'FAILED',
        failure_reason: 'AWS.SimpleQueueService.NonExistentQueue',
        moved: 1,
        failed: 0,
        not_deleted: 0,
        left: 2,
      },
      'Moved 1 message(s) to the main queue; the move task ended FAILED (AWS.SimpleQueueService.NonExistentQueue); about 2 left in the dead-letter queue.\n',
    ],
    [
      { method: 'one_by_one', moved: 2, failed: 1, not_deleted: 1, left: null },
      'Moved 2 message(s) to the main queue; 1 could not be sent and stay in the dead-letter queue; 1 were sent but not deleted (they will be redriven again; PostHog usually keeps one copy).\n',
    ],
  ] as const)('summary(%j)', (outcome, line) => {
    expect(summary(outcome)).toBe(line);
  });

  it('copies every attribute except the dlq_* ones', () => {
    const message: Message = {
      MessageAttributes: {
        destination: { DataType: 'String', StringValue: 'us' },
        dlq_reason: { DataType: 'String', StringValue: 'rejected' },
        dlq_attempts: { DataType: 'String', StringValue: '1' },
      },
    };
    expect(redriveAttributes(message)).toEqual({ destination: { DataType: 'String', StringValue: 'us' } });
  });

  it.each([
    [
      { dlq_reason: 'malformed', dlq_http_status: 'none', dlq_message: 'message body is not JSON', dlq_attempts: '0' },
      'malformed: the queued message is not a PostHog event (0 attempt(s)): "message body is not JSON"',
    ],
    [{}, 'max_receives: SQS moved it after too many failed deliveries (PostHog 401 wrong key, 5xx, timeouts)'],
  ])('explains %j', (attributes, line) => {
    const MessageAttributes = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]));
    expect(reasonLine(describeDeadLetter({ MessageId: 'm', Body: 'not json', MessageAttributes }))).toBe(line);
  });

  it.each([
    [0, 10, '[------------------------------] 0/10 moved'],
    [5, 10, '[###############---------------] 5/10 moved'],
    [12, 10, '[##############################] 12/12 moved'],
    [0, 0, '[##############################] 0/0 moved'],
  ])('progressBar(%i, %i)', (done, total, bar) => {
    expect(progressBar(done, total)).toBe(bar);
  });

  it.each([
    ['http://sqs.us-east-1.localhost:46383/000000000000/moengage-posthog-events-dlq', 'http://127.0.0.1:46383'],
    ['http://127.0.0.1:9324/000000000000/q', 'http://127.0.0.1:9324'],
    ['https://sqs.eu-west-1.amazonaws.com/123456789012/q', undefined],
    ['not a url', undefined],
  ])('localEndpointFrom(%s) → %s', (url, endpoint) => {
    expect(localEndpointFrom(url)).toBe(endpoint);
  });

  it.each([
    ['Region is missing', 'Region is missing (pass --region or set AWS_REGION)'],
    [
      'Could not load credentials from any providers',
      'Could not load credentials from any providers (configure AWS credentials: aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID)',
    ],
    ['Access to the resource is denied', 'Access to the resource is denied'],
  ])('explainAwsError(%s)', (message, explained) => {
    expect(explainAwsError(message)).toBe(explained);
  });
});
