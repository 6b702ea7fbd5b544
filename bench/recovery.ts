import { createSqsClient } from '#shared/platform/sqs-client';
import { createQueueTagSwitch } from '#shared/platform/queue-tag-switch';
import { queueDepth } from '#shared/queue/depth';
import { createSqsEventQueue } from '#shared/queue/event-queue';
import type { QueueMessage } from '#shared/queue/message';
import { LOCAL_AWS } from '../local/sqs-server.ts';
import { type FakeProcess, startFakeProcess } from './fake-client.ts';
import { forkTs, nextMessage, sleep, until } from './processes.ts';
import type { RecoveryWorkerMessage } from './recovery-worker.ts';
import { readStackSizing } from './scale.ts';
import { type Spread, spread } from './stats.ts';
import { queuedEvents } from './workload.ts';

/** What the recovery benchmark measured: draining a backlog that waited out a PostHog outage. */
export interface RecoveryResult {
  events: number;
  /** Invocations at a time (the forwarder event source's maxConcurrency). */
  pollers: number;
  probeSeconds: number;
  outageSeconds: number;
  /** Events delivered per second from the moment the prober resumed delivery to the last new event at PostHog. */
  eventsPerSecond: Spread;
  /** From PostHog answering again to the first probe that resumed delivery (at most one probe interval + a probe). */
  resumeSeconds: Spread;
  /** From PostHog answering again to the last event delivered. */
  recoverySeconds: Spread;
  /** Worst run: capture requests PostHog refused while down (the probe budget plus the requests that opened the breaker). */
  requestsWhileDown: number;
  /** Worst run: times the prober resumed delivery while PostHog was still down (0: the pause held). */
  resumesWhileDown: number;
  missing: number;
  duplicates: number;
  deadLettered: number;
  leftInQueue: number;
}

/** `npm run bench`'s sizes: the 50,000-event backlog the issue asks for, 3 runs, PostHog down 5 s after the pause. */
export const RECOVERY_FULL = { events: 50_000, runs: 3, outageSeconds: 5 } as const;
/** Compressed time: one probe a second (60 s in AWS). */
export const RECOVERY_PROBE_SECONDS = 1;

export interface RecoveryOptions {
  events: number;
  runs: number;
  /** How long PostHog stays down once delivery has paused. */
  outageSeconds: number;
  probeSeconds: number;
  drainTimeoutMs: number;
}

/** One run: queue the backlog while PostHog is down, let the breaker pause delivery, bring PostHog back, time the drain. */
async function recoveryRun(options: RecoveryOptions, fake: FakeProcess, pollers: number) {
  const sqsProcess = forkTs('./sqs-process.ts', []);
  const { endpoint, queueUrl, dlqUrl } = await nextMessage<{ endpoint: string; queueUrl: string; dlqUrl: string }>(sqsProcess, 'fauxqs');
  const sqs = createSqsClient({ ...LOCAL_AWS, endpoint });
  try {
    await fake.reset();
    await fake.setDown(true);
    const events = queuedEvents(options.events);
    const queue = createSqsEventQueue({ sqs, queueUrl });
    const receivedAt = new Date().toISOString();
    // The intake's own queue code, 1,000 events at a time (100 SendMessageBatch calls in parallel).
    for (let i = 0; i < events.length; i += 1_000) {
      const messages = events
        .slice(i, i + 1_000)
        .map((event): QueueMessage => ({ event, destination: fake.url, origin: 'connector', receivedAt }));
      await queue.enqueue(messages);
    }
    const worker = forkTs('./recovery-worker.ts', [endpoint, queueUrl, dlqUrl, fake.url, String(pollers), String(options.probeSeconds)]);
    // Every change the prober made to the event source, in order.
    const changes: Array<{ enabled: boolean; at: number }> = [];
    worker.on('message', (m: RecoveryWorkerMessage) => {
      if (m.type === 'event-source') changes.push({ enabled: m.enabled, at: m.at });
    });
    const changeAfter = (enabled: boolean, after: number, what: string) =>
      until(() => changes.find((c) => c.enabled === enabled && c.at >= after), what, 60_000);
    try {
      await changeAfter(false, 0, 'the prober never turned the event source off');
      const state = createQueueTagSwitch({ sqs, queueUrl, cacheMs: 0, now: Date.now });
      if ((await state.read()).status !== 'paused') throw new Error('the event source was turned off but the breaker state is not paused');
      await sleep(options.outageSeconds * 1000);
      const whileDown = (await fake.count()).refused;
      const resumesWhileDown = changes.filter((c) => c.enabled).length;
      const recoveredAt = Date.now();
      await fake.setDown(false);
      const resumedAt = (await changeAfter(true, recoveredAt, 'the prober never resumed delivery')).at;
      const end = Date.now() + options.drainTimeoutMs;
      let stats = await fake.count();
      while (stats.uniqueUuids < options.events && Date.now() < end) {
        await sleep(100);
        stats = await fake.count();
      }
      if (stats.uniqueUuids < options.events) {
        throw new Error(`recovery: ${stats.uniqueUuids} of ${options.events} events delivered within ${options.drainTimeoutMs} ms`);
      }
      // The last invocations delete their records after PostHog answered: the queue empties a moment later.
      const emptied = Date.now() + 30_000;
      let depth = await queueDepth(sqs, queueUrl);
      while (depth.waiting + depth.inFlight > 0 && Date.now() < emptied) {
        await sleep(100);
        depth = await queueDepth(sqs, queueUrl);
      }
      const dlq = await queueDepth(sqs, dlqUrl);
      const stopped = nextMessage<RecoveryWorkerMessage>(worker, 'the recovery worker did not stop', (m) => m.type === 'stopped');
      worker.send('stop');
      const result = (await stopped) as Extract<RecoveryWorkerMessage, { type: 'stopped' }>;
      if (result.errors.length > 0) throw new Error(`recovery worker errors: ${result.errors.slice(0, 3).join('; ')}`);
      const uuids = new Set((await fake.stats()).uuids);
      return {
        eventsPerSecond: options.events / ((stats.lastNewUuidAt - resumedAt) / 1000),
        resumeSeconds: (resumedAt - recoveredAt) / 1000,
        recoverySeconds: (stats.lastNewUuidAt - recoveredAt) / 1000,
        requestsWhileDown: whileDown,
        resumesWhileDown,
        missing: events.filter((e) => !uuids.has(e.uuid)).length,
        duplicates: stats.events - stats.uniqueUuids,
        deadLettered: dlq.waiting + dlq.inFlight,
        leftInQueue: depth.waiting + depth.inFlight,
      };
    } finally {
      if (worker.exitCode === null) worker.kill();
    }
  } finally {
    sqs.destroy();
    const exited = new Promise((resolve) => sqsProcess.once('exit', resolve));
    sqsProcess.send('close');
    await exited;
  }
}

/**
 * `npm run bench`'s "recovery" figure: a backlog of `events` waits in SQS through a PostHog outage (the breaker
 * pauses delivery, the prober probes once per interval), then PostHog answers again and the forwarder as deployed
 * drains the backlog at the event source's concurrency. fauxqs, the fake PostHog and the forwarder each run in a
 * process of their own.
 */
export async function benchRecovery(options: RecoveryOptions, progress: (line: string) => void): Promise<RecoveryResult> {
  const pollers = readStackSizing().forwarderMaxConcurrency;
  const fake = await startFakeProcess();
  const runs: Array<Awaited<ReturnType<typeof recoveryRun>>> = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      const r = await recoveryRun(options, fake, pollers);
      runs.push(r);
      progress(
        `  recovery run ${run}/${options.runs}: ${Math.round(r.eventsPerSecond).toLocaleString('en-US')} events/s draining ` +
          `${options.events.toLocaleString('en-US')}; resumed ${r.resumeSeconds.toFixed(1)} s and drained ${r.recoverySeconds.toFixed(1)} s ` +
          `after PostHog came back; ${r.requestsWhileDown} requests and ${r.resumesWhileDown} resumes while down; ${r.missing} missing, ${r.deadLettered} dead-lettered`,
      );
    }
  } finally {
    await fake.close();
  }
  return {
    events: options.events,
    pollers,
    probeSeconds: options.probeSeconds,
    outageSeconds: options.outageSeconds,
    eventsPerSecond: spread(runs.map((r) => r.eventsPerSecond)),
    resumeSeconds: spread(runs.map((r) => r.resumeSeconds)),
    recoverySeconds: spread(runs.map((r) => r.recoverySeconds)),
    requestsWhileDown: Math.max(...runs.map((r) => r.requestsWhileDown)),
    resumesWhileDown: Math.max(...runs.map((r) => r.resumesWhileDown)),
    missing: Math.max(...runs.map((r) => r.missing)),
    duplicates: Math.max(...runs.map((r) => r.duplicates)),
    deadLettered: Math.max(...runs.map((r) => r.deadLettered)),
    leftInQueue: Math.max(...runs.map((r) => r.leftInQueue)),
  };
}
