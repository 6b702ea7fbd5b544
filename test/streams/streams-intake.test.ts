import { jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { type Config, loadConfig } from '#shared/platform/config';
import { createSqsEventQueue } from '#shared/queue/event-queue';
import { MESSAGE_ATTRIBUTES } from '#shared/queue/message';
import { handleIntake, type IntakeDeps } from '#shared/intake/router';
import { createMetrics } from '#shared/platform/observability';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';
import { DEFAULT_STREAMS_OPTIONS } from '#shared/streams/map-streams';
import { createSqsClient } from '#shared/platform/sqs-client';
import { LOCAL_AWS, type LocalSqs, startLocalSqs } from '../../local/sqs-server.ts';
import expected from '../fixtures/streams/expected.json' with { type: 'json' };
import { bearer, httpApiEvent } from '../support/events.ts';
import { createQueue, drainQueue, fixtureBatch, largeBatch } from './support.ts';

const TOKEN = 'streams-test-token';
const NOW = new Date('2026-11-23T16:00:00.000Z');

let sqs: LocalSqs;
beforeAll(async () => {
  sqs = await startLocalSqs({ queueName: 'streams-intake' });
});
afterAll(async () => {
  await sqs?.close();
});

function setup(options: { queueUrl: string; client?: SQSClient; config?: Partial<IntakeDeps['config']>; now?: Date }) {
  const logger = new Logger({ serviceName: 'intake-test' });
  const logs = {
    debug: jest.spyOn(logger, 'debug'),
    info: jest.spyOn(logger, 'info'),
    warn: jest.spyOn(logger, 'warn'),
    error: jest.spyOn(logger, 'error'),
  };
  const config: IntakeDeps['config'] = {
    posthogHost: 'https://eu.i.posthog.com',
    maxBodyBytes: 1024 * 1024,
    strict: false,
    personlessEvents: new Set(OUTREACH_EVENTS),
    streams: DEFAULT_STREAMS_OPTIONS,
    ...options.config,
  };
  const deps: IntakeDeps = {
    config,
    secrets: { posthogApiKey: async () => 'phc_streams_test', webhookTokens: async () => [TOKEN] },
    queue: createSqsEventQueue({ sqs: options.client ?? sqs.client, queueUrl: options.queueUrl }),
    logger,
    metrics: createMetrics('intake'),
    now: () => options.now ?? NOW,
    libVersion: '0.1.0',
  };
  return { deps, logs };
}

const post = (body: unknown, overrides: Parameters<typeof httpApiEvent>[0] = {}) =>
  httpApiEvent({
    path: '/v1/streams',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: bearer(TOKEN),
    ...overrides,
  });

const parse = (body: string) => JSON.parse(body) as Record<string, unknown>;
const byUuid = (messages: Message[]) => new Map(messages.map((m) => [(JSON.parse(m.Body ?? '{}') as { uuid: string }).uuid, m] as const));

describe('POST /v1/streams', () => {
  it('queues the valid events of a batch, lists the rejected ones and answers 200', async () => {
    const queueUrl = await createQueue(sqs.client, 'streams-ok');
    const { deps, logs } = setup({ queueUrl });
    const response = await handleIntake(post(fixtureBatch()), deps);

    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/json');
    expect(parse(response.body)).toEqual({
      status: 'ok',
      queued: expected.events.length,
      events: expected.events.map(({ posthog }) => ({ uuid: posthog.uuid, event: posthog.event, distinct_id: posthog.distinct_id })),
      rejected: expected.rejected,
      warnings: expected.warnings,
    });

    const messages = await drainQueue(sqs.client, queueUrl);
    expect(messages.map((m) => JSON.parse(m.Body ?? '{}'))).toEqual(expect.arrayContaining(expected.events.map((e) => e.posthog)));
    expect(messages).toHaveLength(expected.events.length);
    for (const message of messages) {
      expect(message.MessageAttributes?.[MESSAGE_ATTRIBUTES.origin]?.StringValue).toBe('streams');
      expect(message.MessageAttributes?.[MESSAGE_ATTRIBUTES.destination]?.StringValue).toBe('https://eu.i.posthog.com');
      expect(message.MessageAttributes?.[MESSAGE_ATTRIBUTES.receivedAt]?.StringValue).toBe(NOW.toISOString());
    }

    // One summary line for the request: counts and the rejected positions, never one line per event.
    expect(logs.warn).not.toHaveBeenCalled();
    expect(logs.debug.mock.calls).toEqual([
      [
        'intake request',
        expect.objectContaining({ rejected: expected.rejected.length, rejected_indexes: expected.rejected.map((r) => r.index) }),
      ],
    ]);
    const everything = JSON.stringify([...logs.info.mock.calls, ...logs.warn.mock.calls, ...logs.error.mock.calls]);
    for (const personal of ['ann@example.com', '+15551234567', 'fcm-token-abc123']) expect(everything).not.toContain(personal);
  });

  it('queues byte-identical messages when MoEngage resends the same batch', async () => {
    const queueUrl = await createQueue(sqs.client, 'streams-retry');
    const first = await handleIntake(post(fixtureBatch(), { requestId: 'first-request' }), setup({ queueUrl }).deps);
    const retryAt = new Date(NOW.getTime() + 30_000);
    const second = await handleIntake(post(fixtureBatch(), { requestId: 'retry-request' }), setup({ queueUrl, now: retryAt }).deps);
    expect(second.body).toBe(first.body);

    const messages = await drainQueue(sqs.client, queueUrl);
    expect(messages).toHaveLength(2 * expected.events.length);
    const bodies = messages.map((m) => m.Body ?? '');
    for (const { posthog } of expected.events) {
      const copies = bodies.filter((b) => (JSON.parse(b) as { uuid: string }).uuid === posthog.uuid);
      expect(copies).toHaveLength(2);
      expect(copies[0]).toBe(copies[1]);
      expect(JSON.parse(copies[0] ?? '')).toEqual(posthog);
    }
    expect(byUuid(messages).size).toBe(expected.events.length);
  });

  it('answers a dry run with the exact PostHog events and queues nothing', async () => {
    const queueUrl = await createQueue(sqs.client, 'streams-dry');
    const response = await handleIntake(post(fixtureBatch(), { query: { dry_run: '1' } }), setup({ queueUrl }).deps);
    expect(response.statusCode).toBe(200);
    expect(parse(response.body)).toEqual({
      status: 'dry_run',
      events: expected.events.map((e) => e.posthog),
      rejected: expected.rejected,
      warnings: expected.warnings,
    });
    expect(await drainQueue(sqs.client, queueUrl)).toEqual([]);
  });

  it('queues a batch of 100 with ten SendMessageBatch calls of ten, all in flight at once', async () => {
    const client = createSqsClient({ ...LOCAL_AWS, endpoint: sqs.endpoint });
    const calls: number[] = [];
    let inFlight = 0;
    let peak = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'SendMessageBatchCommand') return next(args);
        calls.push((args.input as { Entries: unknown[] }).Entries.length);
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight -= 1;
        }
      },
      { step: 'initialize', name: 'countSendMessageBatch' },
    );
    try {
      const queueUrl = await createQueue(client, 'streams-100');
      const response = await handleIntake(post(largeBatch(100)), setup({ queueUrl, client }).deps);
      expect(response.statusCode).toBe(200);
      expect(parse(response.body)).toMatchObject({ status: 'ok', queued: 100, rejected: [] });
      expect(calls).toEqual(Array(10).fill(10));
      expect(peak).toBe(10);
      expect(await drainQueue(client, queueUrl)).toHaveLength(100);
    } finally {
      client.destroy();
    }
  });

  it('answers 503 and acknowledges nothing when the queue is unavailable', async () => {
    const missing = `${sqs.queueUrl}-does-not-exist`;
    const { deps, logs } = setup({ queueUrl: missing });
    const response = await handleIntake(post(fixtureBatch()), deps);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('5');
    expect(parse(response.body)).toEqual({ status: 'unavailable', message: expect.stringContaining('nothing was accepted') });
    expect(logs.error).toHaveBeenCalledWith(
      'intake request',
      expect.objectContaining({ status: 503, reason: 'queue_unavailable', moe_request_id: fixtureBatch().moe_request_id }),
    );
  });

  it('rejects one event too large for a queue message and queues the others', async () => {
    const queueUrl = await createQueue(sqs.client, 'streams-large');
    const batch = largeBatch(2, 'req-big');
    const events = batch.events as Array<Record<string, unknown>>;
    events[1] = { ...events[1], event_attributes: { blob: 'x'.repeat(1024 * 1024) } };
    const response = await handleIntake(post(batch), setup({ queueUrl, config: { maxBodyBytes: 2 * 1024 * 1024 } }).deps);
    expect(response.statusCode).toBe(200);
    expect(parse(response.body)).toMatchObject({
      queued: 1,
      rejected: [{ index: 1, errors: [{ path: 'events.1', message: expect.stringContaining('at most 1048576') }] }],
    });
    expect(await drainQueue(sqs.client, queueUrl)).toHaveLength(1);
  });

  it.each([
    { name: 'a body that is not a batch', event: () => post({ event: 'x', distinct_id: 'y' }), status: 400, path: 'events' },
    { name: 'invalid JSON', event: () => post('{"events": ['), status: 400, path: '(body)' },
    {
      name: 'an unsupported content type',
      event: () => post(fixtureBatch(), { headers: { ...bearer(TOKEN), 'content-type': 'application/xml' } }),
      status: 415,
      path: '(body)',
    },
  ])('answers $status for $name and queues nothing', async ({ event, status, path }) => {
    const queueUrl = await createQueue(sqs.client, 'streams-bad');
    const response = await handleIntake(event(), setup({ queueUrl }).deps);
    expect(response.statusCode).toBe(status);
    expect(parse(response.body)).toEqual({ status: 'rejected', errors: [{ path, message: expect.any(String) }] });
    expect(await drainQueue(sqs.client, queueUrl)).toEqual([]);
  });

  it('shares the connector authentication: 401 without the token, nothing queued', async () => {
    const queueUrl = await createQueue(sqs.client, 'streams-auth');
    const { deps } = setup({ queueUrl });
    const response = await handleIntake(post(fixtureBatch(), { headers: { authorization: 'Bearer wrong' } }), deps);
    expect(response.statusCode).toBe(401);
    const basic = `Basic ${Buffer.from(`moengage:${TOKEN}`).toString('base64')}`;
    const viaBasic = await handleIntake(post(fixtureBatch(), { headers: { authorization: basic } }), deps);
    expect(viaBasic.statusCode).toBe(200);
    expect(await drainQueue(sqs.client, queueUrl)).toHaveLength(expected.events.length);
  });

  it('answers 405 for GET /v1/streams', async () => {
    const response = await handleIntake(post(undefined, { method: 'GET' }), setup({ queueUrl: sqs.queueUrl }).deps);
    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('POST');
  });

  it('honours STREAMS_EVENT_NAME and STREAMS_INCLUDE_CHANNEL_ADDRESSES from the configuration', async () => {
    const config: Config = loadConfig({
      POSTHOG_HOST: 'eu',
      POSTHOG_API_KEY: 'phc_x',
      STREAMS_EVENT_NAME: 'event_code',
      STREAMS_INCLUDE_CHANNEL_ADDRESSES: 'true',
    });
    const response = await handleIntake(post(fixtureBatch(), { query: { dry_run: '1' } }), setup({ queueUrl: sqs.queueUrl, config }).deps);
    const events = parse(response.body).events as Array<{ event: string; properties: Record<string, unknown> }>;
    expect(events.map((e) => e.event).slice(0, 3)).toEqual(['NOTIFICATION_RECEIVED_MOE', 'MOE_EMAIL_CLICK', 'SMS_DELIVERED']);
    expect(events[0]?.properties.$moengage_push_id).toBe('fcm-token-abc123');
    expect(events[1]?.properties.$moengage_email_id).toBe('ann@example.com');
    expect(events[2]?.properties.$moengage_mobile_number).toBe('+15551234567');
  });
});

describe('Streams configuration', () => {
  const base = { POSTHOG_HOST: 'us', POSTHOG_API_KEY: 'phc_x' };

  it('defaults to display names, no channel addresses, user attributes set once and no persons for internal ids', () => {
    expect(loadConfig(base).streams).toEqual({
      eventName: 'event_name',
      includeChannelAddresses: false,
      userAttributes: 'set_once',
      internalIdPersons: false,
    });
    expect(loadConfig({ ...base, STREAMS_USER_ATTRIBUTES: 'set', STREAMS_MOENGAGE_USER_ID_PERSONS: '1' }).streams).toMatchObject({
      userAttributes: 'set',
      internalIdPersons: true,
    });
  });

  it.each([
    [{ STREAMS_EVENT_NAME: 'name' }, 'STREAMS_EVENT_NAME must be "event_name" or "event_code"'],
    [{ STREAMS_INCLUDE_CHANNEL_ADDRESSES: 'yes' }, 'STREAMS_INCLUDE_CHANNEL_ADDRESSES'],
    [{ STREAMS_USER_ATTRIBUTES: 'always' }, 'STREAMS_USER_ATTRIBUTES must be "set_once", "set" or "none"'],
    [{ STREAMS_MOENGAGE_USER_ID_PERSONS: 'yes' }, 'STREAMS_MOENGAGE_USER_ID_PERSONS'],
  ])('fails fast on %j, naming the variable', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });
});
