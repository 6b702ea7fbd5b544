import { jest } from '@jest/globals';
import type { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { createSqsEventQueue, QueueUnavailableError } from '#shared/queue/event-queue';
import { decodeBody, encodeBody, MAX_MESSAGE_BYTES, type QueueMessage, sizeProblem } from '#shared/queue/message';
import { type LocalSqs, startLocalSqs } from '../../local/sqs-server.ts';
import { createQueue, drainQueue } from '../streams/support.ts';

const allowed = (c: number) => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd);
/** SQS's MessageBody character set (SendMessage API reference), by code point. */
const sqsAccepts = (body: string) => [...body].every((ch) => allowed(ch.codePointAt(0) ?? 0) || (ch.codePointAt(0) ?? 0) >= 0x10000);
/** fauxqs's own test (dist/sqs/sqsTypes.js INVALID_MESSAGE_BODY_CHAR), by UTF-16 code unit. */
const fauxqsAccepts = (body: string) => Array.from({ length: body.length }, (_, i) => body.charCodeAt(i)).every(allowed);

const HOSTILE = ['\uFFFE', '\uFFFF', '😀', '\u0000', '\u0008', '\u001F', '\uD800', '\uDFFF', 'a\u2028b', '"\\', '\u{10FFFF}'];
const event = (value: string) => ({
  event: 'e',
  distinct_id: 'u',
  timestamp: '2026-11-23T10:00:00.000Z',
  uuid: '0190a2a0-0000-7000-8000-000000000000',
  properties: { [value]: value },
});
const message = (value: string): QueueMessage => ({
  event: event(value),
  destination: 'https://us.i.posthog.com',
  origin: 'connector',
  receivedAt: 'now',
});

describe('the queue message format', () => {
  it.each(HOSTILE)('encodes %j into a body SQS and fauxqs accept, decoding to the exact original JSON', (value) => {
    const body = encodeBody(event(value));
    expect(sqsAccepts(body)).toBe(true);
    expect(fauxqsAccepts(body)).toBe(true);
    expect(decodeBody(body).json).toBe(JSON.stringify(event(value)));
  });

  it('round-trips any string (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const body = encodeBody(event(value));
        expect(fauxqsAccepts(body)).toBe(true);
        expect(decodeBody(body).value).toEqual(JSON.parse(JSON.stringify(event(value))));
      }),
      { seed: 19, numRuns: 500 },
    );
  });

  it('counts the escaped body against the 1 MiB limit', () => {
    const fits = '\uFFFF'.repeat(100_000); // 300 KB as UTF-8, 600 KB once escaped
    expect(sizeProblem(message(fits.slice(0, 50_000)))).toBeUndefined();
    expect(sizeProblem(message(fits))).toMatch(`at most ${MAX_MESSAGE_BYTES} bytes`);
  });
});

describe('enqueueing through fauxqs', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startLocalSqs({ queueName: 'message-format' });
  });
  afterAll(async () => {
    await sqs?.close();
  });

  it('queues values SQS or fauxqs refuse raw and gives them back unchanged', async () => {
    const queueUrl = await createQueue(sqs.client, 'hostile-values');
    const queue = createSqsEventQueue({ sqs: sqs.client, queueUrl });
    await queue.enqueue(HOSTILE.map(message));
    const bodies = (await drainQueue(sqs.client, queueUrl)).map((m) => decodeBody(m.Body ?? '').json);
    expect(bodies.sort()).toEqual(HOSTILE.map((v) => JSON.stringify(event(v))).sort());
  });
});

describe('one encoding per message', () => {
  afterEach(() => jest.restoreAllMocks());

  it('serialises and measures an event once for the size check and the send, and sends exactly that body', async () => {
    const bodies: string[] = [];
    const client = {
      send: async (command: SendMessageBatchCommand) => {
        for (const entry of command.input.Entries ?? []) bodies.push(entry.MessageBody ?? '');
        return { Failed: [], Successful: [] };
      },
    } as unknown as SQSClient;
    const checked = message('\uFFFF once');
    const stringify = jest.spyOn(JSON, 'stringify');
    const byteLength = jest.spyOn(Buffer, 'byteLength');
    expect(sizeProblem(checked)).toBeUndefined();
    await createSqsEventQueue({ sqs: client, queueUrl: 'q' }).enqueue([checked]);
    expect(stringify.mock.calls.filter(([value]) => value === checked.event)).toHaveLength(1);
    const body = encodeBody(checked.event);
    expect(bodies).toEqual([body]);
    // The size is measured when the message is encoded; the queue's batching reads it (it measured the body again).
    expect(byteLength.mock.calls.filter(([value]) => value === body)).toHaveLength(1);
  });
});

describe('a failed enqueue', () => {
  it('fails the whole enqueue when one batch fails twice, naming how many events were queued anyway', async () => {
    const calls: number[] = [];
    const client = {
      send: async (command: SendMessageBatchCommand) => {
        calls.push(command.input.Entries?.length ?? 0);
        if (calls.length === 2 || calls.length === 4) return { Failed: command.input.Entries?.map((e) => ({ Id: e.Id })), Successful: [] };
        return { Failed: [], Successful: [] };
      },
    } as unknown as SQSClient;
    const queue = createSqsEventQueue({ sqs: client, queueUrl: 'q' });
    const messages = Array.from({ length: 25 }, (_, i) => message(`v${i}`));
    const failure = queue.enqueue(messages);
    await expect(failure).rejects.toBeInstanceOf(QueueUnavailableError);
    await expect(failure).rejects.toThrow('15 of 25 event(s) were queued before the failure; a retry queues them again');
    // three batches in parallel (10, 10, 5); the second fails and so does its one retry.
    expect(calls).toEqual([10, 10, 5, 10]);
  });
});

describe('enqueues in the same event-loop turn', () => {
  /** A client that records each SendMessageBatch call's entry ids and refuses the entries `refuse` picks. */
  const recordingClient = (refuse: (call: number) => boolean = () => false) => {
    const calls: string[][] = [];
    const client = {
      send: async (command: SendMessageBatchCommand) => {
        const entries = command.input.Entries ?? [];
        calls.push(entries.map((e) => e.Id ?? ''));
        if (refuse(calls.length)) return { Failed: entries.map((e) => ({ Id: e.Id })), Successful: [] };
        return { Failed: [], Successful: entries.map((e) => ({ Id: e.Id })) };
      },
    } as unknown as SQSClient;
    return { client, calls };
  };

  it('share SendMessageBatch calls, with distinct entry ids, and each resolves', async () => {
    const { client, calls } = recordingClient();
    const queue = createSqsEventQueue({ sqs: client, queueUrl: 'q' });
    await Promise.all([queue.enqueue([message('a'), message('b')]), queue.enqueue([message('c')]), queue.enqueue([message('d')])]);
    expect(calls).toEqual([['m0', 'm1', 'm2', 'm3']]);
    await queue.enqueue([message('e')]); // a later turn: a call of its own
    expect(calls).toHaveLength(2);
  });

  it('fail only for their own events when a shared call fails twice', async () => {
    // 12 events in one turn: calls of 10 (first request's 9 + the second's first) and 2; the first call and its
    // retry are refused, the second call succeeds.
    const { client, calls } = recordingClient((call) => call === 1 || call === 3);
    const queue = createSqsEventQueue({ sqs: client, queueUrl: 'q' });
    const first = queue.enqueue(Array.from({ length: 9 }, (_, i) => message(`a${i}`)));
    const second = queue.enqueue([message('b0'), message('b1'), message('b2')]);
    const results = await Promise.allSettled([first, second]);
    expect(calls.map((c) => c.length)).toEqual([10, 2, 10]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual([
      '0 of 9 event(s) were queued before the failure; a retry queues them again',
      '2 of 3 event(s) were queued before the failure; a retry queues them again',
    ]);
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof QueueUnavailableError)).toBe(true);
  });

  it('leave an enqueue whose events all went through untouched by another one failing', async () => {
    const { client } = recordingClient((call) => call === 2 || call === 3);
    const queue = createSqsEventQueue({ sqs: client, queueUrl: 'q' });
    const ten = queue.enqueue(Array.from({ length: 10 }, (_, i) => message(`a${i}`)));
    const other = queue.enqueue([message('b')]);
    await expect(ten).resolves.toBeUndefined();
    await expect(other).rejects.toThrow('0 of 1 event(s) were queued before the failure');
  });
});
