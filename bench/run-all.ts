import { mkdirSync } from 'node:fs';
import { benchBatching } from './batching.ts';
import { benchColdStart } from './cold-start.ts';
import { type CostInputs, costInputs, forwarderLogFit } from './cost.ts';
import { benchEndToEnd } from './e2e.ts';
import { benchForwarding } from './forwarding.ts';
import { benchIntake } from './intake.ts';
import { load, machineInfo } from './machine.ts';
import { benchMapping } from './mapping.ts';
import { benchParsers } from './parsers.ts';
import { benchRecovery, RECOVERY_PROBE_SECONDS } from './recovery.ts';
import type { BenchResults } from './report.ts';
import { benchConfig, RTT_MS } from './run-config.ts';
import { estimateScale, readStackSizing } from './scale.ts';

/** Every section of `npm run bench`, in order; returns the figures the report and the cost table are drawn from. */
export const runAll = async (
  quick: boolean,
  work: string,
  progress: (line: string) => void,
): Promise<{ results: BenchResults; cost: CostInputs }> => {
  const config = benchConfig(quick);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadBefore = load();
  mkdirSync(work, { recursive: true });

  progress(`bench${quick ? ' --quick' : ''}: ${JSON.stringify(config)}`);
  progress('1/6 mapping');
  const mapping = benchMapping({ runs: config.mappingRuns, runMs: config.mappingRunMs }, progress);
  progress('2/6 forwarding');
  const forwarding = await benchForwarding({ events: config.forwardEvents, runs: config.forwardRuns, dir: work }, progress);
  progress(`   forwarding with a ${RTT_MS} ms answer delay (a stand-in for the round trip to PostHog)`);
  const forwardingRtt = await benchForwarding(
    {
      events: config.rttEvents,
      runs: config.rttRuns,
      dir: work,
      delayMs: RTT_MS,
      ways: ['forwarder', 'posthog-node-flush', 'per-event-keepalive'],
    },
    progress,
  );
  progress(`   forwarder batch sizes (${RTT_MS} ms answer delay)`);
  const batching = await benchBatching(
    { sizes: config.batchingSizes, events: config.batchingEvents, runs: config.batchingRuns, dir: work, delayMs: RTT_MS },
    progress,
  );
  progress('3/6 end to end');
  const endToEnd = await benchEndToEnd(
    {
      runs: config.e2eRuns,
      seconds: config.e2eSeconds,
      connections: config.e2eConnections,
      drainTimeoutMs: config.drainTimeoutMs,
      warmupSeconds: config.warmupSeconds,
      paced: config.paced,
    },
    progress,
  );
  progress('   intake handler alone');
  // One request at a time, as a Lambda instance serves them: concurrent requests in one process would share
  // SendMessageBatch calls (shared/queue/event-queue.ts) and understate what the intake Lambda pays per request.
  const intake = await benchIntake({ requests: config.intakeRequests, concurrency: 1, runs: config.intakeRuns }, progress);
  progress('4/6 cold start');
  const coldStart = await benchColdStart({ imports: config.imports, dir: `${work}/bundles`, top: 8 }, progress);
  progress('5/6 recovery after an outage');
  const recovery = await benchRecovery(
    { ...config.recovery, probeSeconds: RECOVERY_PROBE_SECONDS, drainTimeoutMs: config.drainTimeoutMs },
    progress,
  );

  progress('6/6 hostile bodies: the slowest body per parser at the size limit');
  const parsers = await benchParsers(config.parsers, progress);

  const forwarderRow = forwarding.find((f) => f.way === 'forwarder');
  const forwarderCpuMicros = forwarderRow ? (forwarderRow.cpuSeconds.median / forwarderRow.events) * 1e6 : 0;
  const sizing = readStackSizing();
  const scale = estimateScale({
    requestsPerMinute: 200_000,
    intakeCpuMicros: intake.cpuMicrosPerRequest.median,
    forwarderCpuMicros,
    ...sizing,
  });
  // The forwarder's log per invocation and per event, through the two largest measured batch sizes up to the stack's.
  const forwarderLog = forwarderLogFit(batching.filter((b) => b.batchSize <= sizing.forwarderBatchSize));
  if (!forwarderLog)
    throw new Error('bench: the forwarder batch-size section measured fewer than two batch sizes, so its log cannot be priced');

  const microsOf = (prefix: string) => mapping.find((m) => m.name.startsWith(prefix))?.microsPerEvent ?? 0;
  const cost = costInputs(
    {
      intakeCpuMicros: intake.cpuMicrosPerRequest.median,
      intakeLogBytesPerRequest: intake.logBytesPerRequest,
      connectorMappingMicros: microsOf('Connector, small'),
      streamsMappingMicrosPerEvent: microsOf('Streams batch'),
      forwarderCpuMicrosPerEvent: forwarderCpuMicros,
      forwarderLog,
    },
    sizing,
  );

  const results: BenchResults = {
    quick,
    startedAt,
    seconds: (performance.now() - started) / 1000,
    command: quick ? 'npm run bench:quick' : 'npm run bench',
    machine: machineInfo(),
    loadBefore,
    loadAfter: load(),
    config,
    mapping,
    forwarding,
    forwardingRtt: { delayMs: RTT_MS, rows: forwardingRtt },
    endToEnd,
    intake,
    coldStart,
    scale,
    recovery,
    batching: { delayMs: RTT_MS, rows: batching },
    parsers,
  };

  return { results, cost };
};
