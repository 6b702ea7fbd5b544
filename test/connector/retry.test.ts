import type { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { handleIntake } from '#shared/intake/router';
import type { IntakeDeps } from '#shared/intake/router';
import { createSqsEventQueue } from '#shared/queue/event-queue';
import { decodeBody } from '#shared/queue/message';
import { bearer, httpApiEvent } from '../support/events.ts';
import { intakeDeps, NOW, TOKEN } from './support/intake-deps.ts';

/**
 * Issue 19, defect 2: three retried 503s put 72 distinct events in PostHog for a 25-event batch, because events
 * without `$insert_id` got a new uuid on every attempt. A resent request must map to the same uuids, and the 503 must
 * say how many events were queued before the failure.
 */

/** An SQS client double that records every queued body and refuses whole calls while `refuse(call)` says so. */
function recordingSqs(refuse: (call: number) => boolean) {
  const queued: string[] = [];
  let calls = 0;
  const client = {
    send: async (command: SendMessageBatchCommand) => {
      calls += 1;
      const entries = command.input.Entries ?? [];
      if (refuse(calls)) return { Failed: entries.map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })), Successful: [] };
      queued.push(...entries.map((e) => e.MessageBody ?? ''));
      return { Failed: [], Successful: entries.map((e) => ({ Id: e.Id })) };
    },
  } as unknown as SQSClient;
  const uuids = () => queued.map((body) => (decodeBody(body).value as { uuid: string }).uuid);
  return { client, uuids };
}

const batchOf25 = JSON.stringify({
  batch: Array.from({ length: 25 }, (_, i) => ({ event: 'Email Opened', distinct_id: `user-${i % 3}` })),
});
const attempt = (requestId: string) => httpApiEvent({ body: batchOf25, headers: bearer(TOKEN), requestId });

describe('a retried connector request', () => {
  it('maps to the same uuids, so a 25-event batch that failed part-way twice leaves 25 distinct events', async () => {
    // SendMessageBatch calls of 10, 10 and 5 run in parallel; the second and its one retry fail on the first two attempts.
    const failing = new Set([2, 4, 6, 8]);
    const sqs = recordingSqs((call) => failing.has(call));
    const deps: IntakeDeps = { ...intakeDeps(), queue: createSqsEventQueue({ sqs: sqs.client, queueUrl: 'q' }) };

    const first = await handleIntake(attempt('first'), deps);
    expect(first.statusCode).toBe(503);
    expect(JSON.parse(first.body)).toEqual({
      status: 'unavailable',
      queued: 15,
      message:
        'the queue failed after 15 of 25 event(s) were queued; resend the same request: it maps to the same uuids, ' +
        'so PostHog keeps one copy of each event queued twice',
    });
    expect(first.headers?.['retry-after']).toBe('5');

    const later = (minutes: number) => () => new Date(NOW.getTime() + minutes * 60_000);
    expect((await handleIntake(attempt('second'), { ...deps, now: later(1) })).statusCode).toBe(503);
    const third = await handleIntake(attempt('third'), { ...deps, now: later(2) });
    expect(third.statusCode).toBe(200);

    expect(sqs.uuids()).toHaveLength(55);
    expect(new Set(sqs.uuids()).size).toBe(25);
    expect((JSON.parse(third.body) as { events: Array<{ uuid: string }> }).events.map((e) => e.uuid).sort()).toEqual(
      [...new Set(sqs.uuids())].sort(),
    );
  });

  it('keeps "nothing was accepted" when the queue took nothing', async () => {
    const sqs = recordingSqs(() => true);
    const deps: IntakeDeps = { ...intakeDeps(), queue: createSqsEventQueue({ sqs: sqs.client, queueUrl: 'q' }) };
    const response = await handleIntake(attempt('first'), deps);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({
      status: 'unavailable',
      message: 'the queue is unavailable; retry later; nothing was accepted',
    });
    expect(sqs.uuids()).toEqual([]);
  });
});
