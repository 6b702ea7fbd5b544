import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetQueueAttributesCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { createDeadLetterQueue } from '#shared/delivery/dead-letter';
import { createSqsEventQueue } from '#shared/queue/event-queue';
import type { QueueMessage } from '#shared/queue/message';
import { createForwarderHandler } from '#shared/delivery/sqs-batch-handler';
import { createNodeHttpTransport } from '#shared/lib/node-http-transport';
import { POSTHOG_POOL, postRawBatch } from '#shared/posthog/capture-client';
import type { PostHogEvent } from '#shared/posthog/event';
import type { RetryPolicy } from '#shared/lib/retry-policy';
import { createVisibilityController, type VisibilityChange, type VisibilityPolicy } from '#shared/delivery/visibility';
import { startPoller } from '../../local/poller.ts';
import type { DeliveryState, OutageSettings } from '#shared/delivery/outage';
import { probeOnce } from '#shared/delivery/prober';
import { createSqsRequeue } from '#shared/delivery/requeue';
import { sqsProberQueues } from '#shared/delivery/sqs-prober';
import { createQueueTagSwitch } from '#shared/platform/queue-tag-switch';
import { type LocalSqs, startLocalSqs } from '../../local/sqs-server.ts';
import { type FakeBehaviour, type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';

/** A deterministic [0, 1) source (mulberry32), so fault patterns and jitter repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A valid event whose uuid is derived from `n` (UUID v4 layout). */
export function makeEvent(n: number, properties: Record<string, unknown> = {}): PostHogEvent {
  return {
    event: 'purchase_completed',
    distinct_id: `user-${n}`,
    properties: { n, $lib: 'moengage-posthog-forwarder', ...properties },
    timestamp: new Date(Date.UTC(2026, 10, 23, 10, 0, 0, n)).toISOString(),
    uuid: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
  };
}

export interface HarnessOptions {
  behaviour?: FakeBehaviour;
  retry?: RetryPolicy;
  requestTimeoutMs?: number;
  visibilityPolicy?: VisibilityPolicy;
  /** The main queue's default visibility (what a record waits when nothing lengthens it). */
  queueVisibilitySeconds?: number;
  batchSize?: number;
  batchingWindowMs?: number;
  invocationTimeoutMs?: number;
  random?: () => number;
  /** The circuit breaker and its prober (docs/operations.md, "Outages"), with the queue's maxReceiveCount. */
  outage?: { settings: OutageSettings; maxReceiveCount: number };
  /** The project key the forwarder reads (a function, so a test can "change the secret" mid-run). */
  apiKey?: () => string;
}

export interface Harness {
  posthog: FakePostHog;
  sqs: LocalSqs;
  /** Every visibility change the forwarder asked for, with what SQS refused. */
  visibility: Array<{ changes: VisibilityChange[]; refused: Array<{ id: string; message: string }> }>;
  responses: SQSBatchResponse[];
  /** What the poller reported (e.g. an invocation that outlived its timeout). */
  errors: unknown[];
  /** Queues events with the intake's own queue code (body = the event's JSON). */
  enqueue(events: readonly PostHogEvent[]): Promise<void>;
  /** Starts the poller (the Lambda event source mapping), and the prober with `outage`. */
  start(): void;
  /** The breaker state (with `outage`). */
  deliveryState(): Promise<DeliveryState>;
  /** What each prober tick decided, in order. */
  verdicts: string[];
  /** Waits until the main queue holds no message, visible or in flight. */
  drained(timeoutMs?: number): Promise<void>;
  /** Reads the DLQ until `count` distinct messages were seen (they stay hidden for 5 minutes after). */
  deadLetters(count: number, timeoutMs?: number): Promise<Message[]>;
  stop(): Promise<void>;
}

let queueCounter = 0;

/** The real forwarder logic, fauxqs on 127.0.0.1, the local poller and the fake PostHog, wired with short timings. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sqs = await startLocalSqs({
    queueName: `forwarder-test-${process.pid}-${++queueCounter}`,
    visibilityTimeoutSeconds: options.queueVisibilitySeconds ?? 5,
    ...(options.outage && { maxReceiveCount: options.outage.maxReceiveCount }),
  });
  const posthog = await startFakePostHog(options.behaviour);
  const transport = createNodeHttpTransport({ ...POSTHOG_POOL, connectTimeoutMs: 1_000 });
  const client = { send: transport.send, timeoutMs: options.requestTimeoutMs ?? 1_000, userAgent: 'forwarder-test/1' };
  const realVisibility = createVisibilityController({ sqs: sqs.client, queueUrl: sqs.queueUrl });
  const visibility: Harness['visibility'] = [];
  const responses: SQSBatchResponse[] = [];
  const queueArn =
    (await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: sqs.queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ??
    '';

  const apiKey = options.apiKey ?? (() => 'phc_forwarder_test');
  const deliverySwitch = createQueueTagSwitch({ sqs: sqs.client, queueUrl: sqs.queueUrl, cacheMs: 0, now: Date.now });
  const requeue = createSqsRequeue({ sqs: sqs.client, queueUrl: sqs.queueUrl });
  const handler = createForwarderHandler({
    defaultDestination: posthog.url,
    secrets: { posthogApiKey: async () => apiKey(), webhookTokens: async () => [] },
    post: (destination, apiKey, events, timeoutMs) => postRawBatch({ ...client, timeoutMs }, destination, apiKey, events),
    requestTimeoutMs: client.timeoutMs,
    deadLetters: createDeadLetterQueue({ sqs: sqs.client, dlqUrl: sqs.dlqUrl }),
    visibility: {
      extend: async (changes) => {
        const refused = await realVisibility.extend(changes);
        visibility.push({ changes: [...changes], refused });
        return refused;
      },
    },
    visibilityPolicy: options.visibilityPolicy ?? { baseSeconds: 1, capSeconds: 2 },
    retry: options.retry ?? { attempts: 3, baseMs: 20, capMs: 200 },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: options.random ?? seededRandom(7),
    now: Date.now,
    safetyMarginMs: 500,
    logger: new Logger({ serviceName: 'forwarder-test', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'ForwarderTest', serviceName: 'forwarder-test' }),
    ...(options.outage && {
      outage: { switch: deliverySwitch, settings: options.outage.settings, requeue, maxReceiveCount: options.outage.maxReceiveCount },
    }),
  });
  const queue = createSqsEventQueue({ sqs: sqs.client, queueUrl: sqs.queueUrl });
  let poller: { stop(): Promise<void>; setEnabled(enabled: boolean): void } | undefined;
  let prober: ReturnType<typeof setInterval> | undefined;
  let probing: Promise<unknown> = Promise.resolve();
  const verdicts: string[] = [];
  const errors: unknown[] = [];

  const attributes = async () =>
    (
      await sqs.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: sqs.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      )
    ).Attributes ?? {};

  return {
    posthog,
    sqs,
    visibility,
    responses,
    errors,
    enqueue: async (events) => {
      const receivedAt = new Date().toISOString();
      const messages: QueueMessage[] = events.map((event) => ({ event, destination: posthog.url, origin: 'connector', receivedAt }));
      await queue.enqueue(messages);
    },
    start: () => {
      poller = startPoller({
        sqs: sqs.client,
        queueUrl: sqs.queueUrl,
        queueArn,
        handler: async (event, context) => {
          const response = await handler(event, context);
          responses.push(response);
          return response;
        },
        batchSize: options.batchSize ?? 20,
        batchingWindowMs: options.batchingWindowMs ?? 100,
        timeoutMs: options.invocationTimeoutMs ?? 10_000,
        onError: (error) => errors.push(error),
      });
      const outage = options.outage;
      if (!outage) return;
      const probeDeps = {
        ...sqsProberQueues({ sqs: sqs.client, queueUrl: sqs.queueUrl, queueArn, dlqUrl: sqs.dlqUrl, hideSeconds: 2 }),
        settings: outage.settings,
        eventSource: { setEnabled: async (enabled: boolean) => poller?.setEnabled(enabled) },
        maxReceiveCount: outage.maxReceiveCount,
        defaultDestination: posthog.url,
        apiKey: async () => apiKey(),
        post: (destination: string, key: string, events: readonly string[]) => postRawBatch(client, destination, key, events),
        now: Date.now,
        logger: new Logger({ serviceName: 'prober-test', logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'ForwarderTest', serviceName: 'prober-test' }),
      };
      prober = setInterval(() => {
        probing = probeOnce(probeDeps).then(
          (verdict) => verdicts.push(verdict),
          (error) => errors.push(error),
        );
      }, outage.settings.probeSeconds * 1000);
    },
    deliveryState: () => deliverySwitch.read(),
    verdicts,
    drained: async (timeoutMs = 30_000) => {
      const end = Date.now() + timeoutMs;
      let last: Record<string, string> = {};
      while (Date.now() < end) {
        last = await attributes();
        if (last.ApproximateNumberOfMessages === '0' && last.ApproximateNumberOfMessagesNotVisible === '0') return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(
        `main queue not drained within ${timeoutMs} ms: ${last.ApproximateNumberOfMessages} visible, ` +
          `${last.ApproximateNumberOfMessagesNotVisible} in flight; poller errors: ${errors.map(String).join('; ') || 'none'}; ` +
          `PostHog stored ${posthog.events.length} event(s) from ${posthog.requests.length} request(s)`,
      );
    },
    deadLetters: async (count, timeoutMs = 10_000) => {
      const seen = new Map<string, Message>();
      const end = Date.now() + timeoutMs;
      do {
        const result = await sqs.client.send(
          new ReceiveMessageCommand({
            QueueUrl: sqs.dlqUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            VisibilityTimeout: 300,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        );
        for (const message of result.Messages ?? []) seen.set(message.MessageId ?? '', message);
        if (seen.size < count) await new Promise((resolve) => setTimeout(resolve, 100));
      } while (seen.size < count && Date.now() < end);
      if (seen.size < count) throw new Error(`DLQ: expected ${count} message(s) within ${timeoutMs} ms, found ${seen.size}`);
      return [...seen.values()];
    },
    stop: async () => {
      clearInterval(prober);
      await probing;
      await poller?.stop();
      await posthog.close();
      await transport.close();
      await sqs.close();
    },
  };
}

/** Every stored copy of every event, grouped by uuid. */
export function copiesByUuid(posthog: FakePostHog): Map<string, Array<Record<string, unknown>>> {
  const byUuid = new Map<string, Array<Record<string, unknown>>>();
  for (const event of posthog.events) {
    const uuid = String(event.uuid);
    const copies = byUuid.get(uuid);
    if (copies) copies.push(event);
    else byUuid.set(uuid, [event]);
  }
  return byUuid;
}

/** The uuids one request carried. */
export const uuidsIn = (request: FakePostHog['requests'][number]): string[] => request.capture.events.map((e) => String(e.uuid));
