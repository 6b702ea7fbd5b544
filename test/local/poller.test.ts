import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { startPoller, succeededRecords } from '../../local/poller.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs-server.ts';

const rec = (id: string) => ({ messageId: id, receiptHandle: `rh-${id}` }) as SQSRecord;
const ids = (records: SQSRecord[]) => records.map((r) => r.messageId);

describe('succeededRecords (what the Lambda event source mapping deletes)', () => {
  const batch = [rec('a'), rec('b'), rec('c')];
  it.each([
    ['an empty failure list', { batchItemFailures: [] }, ['a', 'b', 'c']],
    ['a null response', null, ['a', 'b', 'c']],
    ['one reported failure', { batchItemFailures: [{ itemIdentifier: 'b' }] }, ['a', 'c']],
    ['an id not in the batch (invalid: whole batch fails)', { batchItemFailures: [{ itemIdentifier: 'zzz' }] }, []],
    ['an empty id (invalid: whole batch fails)', { batchItemFailures: [{ itemIdentifier: '' }] }, []],
  ])('after %s deletes %p', (_label, response, expected) => {
    expect(ids(succeededRecords(batch, response))).toEqual(expected);
  });
});

describe('startPoller', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startLocalSqs({ queueName: `poller-test-${process.pid}`, visibilityTimeoutSeconds: 1 });
  });
  afterAll(async () => {
    await sqs.close();
  });

  it('treats an invocation that outlives its timeout as a failed batch: nothing is deleted and SQS redelivers', async () => {
    await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: '{"n":1}' }));
    const seen: SQSEvent[] = [];
    const errors: string[] = [];
    let release: () => void = () => {};
    const redelivered = new Promise<void>((resolve) => {
      release = resolve;
    });
    const poller = startPoller({
      sqs: sqs.client,
      queueUrl: sqs.queueUrl,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:poller-test',
      batchingWindowMs: 0,
      timeoutMs: 200,
      handler: async (event, context) => {
        seen.push(event);
        if (seen.length === 1) {
          expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(200);
          await new Promise((resolve) => setTimeout(resolve, 400));
        } else release();
        return { batchItemFailures: [] };
      },
      onError: (error) => errors.push((error as Error).message),
    });
    const timer = setTimeout(() => release(), 10_000);
    await redelivered;
    clearTimeout(timer);
    await poller.stop();
    expect(errors[0]).toContain('did not return within its 200 ms timeout');
    expect(seen.map((e) => e.Records[0]?.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
  });
});
