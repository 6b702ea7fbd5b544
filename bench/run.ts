import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchBatching } from './batching.ts';
import { benchColdStart } from './cold-start.ts';
import { benchColdStartSection } from './cold-start-section.ts';
import { benchEndToEnd } from './e2e.ts';
import { benchForwarding } from './forwarding.ts';
import { type CostInputs, costInputs, forwarderLogFit } from './cost.ts';
import { renderCostSection } from './report-cost.ts';
import { benchIntake } from './intake.ts';
import { load, machineInfo } from './machine.ts';
import { benchMapping } from './mapping.ts';
import { type BenchResults, renderReport, targets } from './report.ts';
import { estimateScale, readStackSizing } from './scale.ts';
import { QUEUE_SETTINGS } from '../shared/queue/settings.ts';
import { benchRecovery, RECOVERY_FULL, RECOVERY_PROBE_SECONDS } from './recovery.ts';

/**
 * `npm run bench` (full, rewrites docs/benchmarks.md) and `npm run bench:quick` (tiny sizes, writes under .bench/).
 * Both also write the raw figures as JSON (`--json`), which the CI smoke test reads.
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    json: { type: 'string' },
    work: { type: 'string' },
    render: { type: 'string' },
    'cold-start': { type: 'boolean', default: false },
  },
});

// `--render results.json`: rewrite the report from saved figures without measuring again.
if (values.render) {
  const saved = JSON.parse(readFileSync(values.render, 'utf8')) as BenchResults & { cost?: CostInputs };
  const target =
    values.out ??
    (saved.quick
      ? `${new URL('..', import.meta.url).pathname}.bench/benchmarks-quick.md`
      : `${new URL('..', import.meta.url).pathname}docs/benchmarks.md`);
  writeFileSync(target, saved.cost ? `${renderReport(saved)}\n${renderCostSection(saved.cost)}` : renderReport(saved));
  process.stdout.write(`rendered ${values.render} → ${target}\n`);
  process.exit(0);
}
const quick = values.quick ?? false;
const ROOT = new URL('..', import.meta.url).pathname;
// `--cold-start`: section 4 alone, rewritten in place (bench/cold-start-section.ts).
if (values['cold-start']) {
  await benchColdStartSection(
    { imports: quick ? 2 : 20, work: values.work ?? `${ROOT}.bench`, out: values.out ?? `${ROOT}docs/benchmarks.md` },
    (line) => process.stdout.write(`${line}\n`),
  );
  process.exit(0);
}
// Scratch files and bundles; under the project so the bundles' external AWS SDK resolves from node_modules.
const work = values.work ?? `${ROOT}.bench`;
const out = values.out ?? (quick ? `${work}/benchmarks-quick.md` : `${ROOT}docs/benchmarks.md`);
const json = values.json ?? (quick ? `${work}/results-quick.json` : `${work}/results.json`);

const config = quick
  ? {
      mappingRuns: 5,
      mappingRunMs: 40,
      forwardEvents: 300,
      forwardRuns: 1,
      e2eRuns: 1,
      e2eSeconds: 2,
      e2eConnections: 10,
      drainTimeoutMs: 20_000,
      warmupSeconds: 1,
      paced: { rate: 50, runs: 1, seconds: 1 },
      rttEvents: 200,
      rttRuns: 1,
      intakeRequests: 200,
      intakeRuns: 1,
      imports: 2,
      recovery: { events: 300, runs: 1, outageSeconds: 2 },
      batchingSizes: [10, 100],
      batchingEvents: 300,
      batchingRuns: 1,
    }
  : {
      mappingRuns: 5,
      mappingRunMs: 1000,
      forwardEvents: 50_000,
      forwardRuns: 5,
      e2eRuns: 5,
      e2eSeconds: 4,
      e2eConnections: 50,
      drainTimeoutMs: 120_000,
      warmupSeconds: 2,
      paced: { rate: 200, runs: 5, seconds: 2 },
      rttEvents: 5_000,
      rttRuns: 5,
      intakeRequests: 3000,
      intakeRuns: 5,
      imports: 20,
      recovery: RECOVERY_FULL,
      batchingSizes: [10, 100, 1000, 2500],
      batchingEvents: 10_000,
      batchingRuns: 3,
    };

/** Round trip to PostHog's EU/US ingestion from a nearby AWS region is tens of ms; 20 ms is a modest stand-in. */
const RTT_MS = 20;
const progress = (line: string) => process.stdout.write(`${line}\n`);
const started = performance.now();
const startedAt = new Date().toISOString();
const loadBefore = load();
mkdirSync(work, { recursive: true });

progress(`bench${quick ? ' --quick' : ''}: ${JSON.stringify(config)}`);
progress('1/5 mapping');
const mapping = benchMapping({ runs: config.mappingRuns, runMs: config.mappingRunMs }, progress);
progress('2/5 forwarding');
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
progress('3/5 end to end');
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
progress('4/5 cold start');
const coldStart = await benchColdStart({ imports: config.imports, dir: `${work}/bundles`, top: 8 }, progress);
progress('5/5 recovery after an outage');
const recovery = await benchRecovery(
  { ...config.recovery, probeSeconds: RECOVERY_PROBE_SECONDS, drainTimeoutMs: config.drainTimeoutMs },
  progress,
);

const forwarderRow = forwarding.find((f) => f.way === 'forwarder');
const forwarderCpuMicros = forwarderRow ? (forwarderRow.cpuSeconds.median / forwarderRow.events) * 1e6 : 0;
const scale = estimateScale({
  requestsPerMinute: 200_000,
  intakeCpuMicros: intake.cpuMicrosPerRequest.median,
  forwarderCpuMicros,
  ...readStackSizing(),
});

const microsOf = (prefix: string) => mapping.find((m) => m.name.startsWith(prefix))?.microsPerEvent ?? 0;
const cost = costInputs(
  {
    intakeCpuMicros: intake.cpuMicrosPerRequest.median,
    intakeLogBytesPerRequest: intake.logBytesPerRequest,
    connectorMappingMicros: microsOf('Connector, small'),
    streamsMappingMicrosPerEvent: microsOf('Streams batch'),
    forwarderCpuMicrosPerEvent: forwarderCpuMicros,
    forwarderLog: forwarderLogFit(batching.filter((b) => b.batchSize <= QUEUE_SETTINGS.batchSize)),
  },
  readStackSizing(),
  QUEUE_SETTINGS.batchSize,
  QUEUE_SETTINGS.batchingWindowSeconds,
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
};
writeFileSync(json, `${JSON.stringify({ ...results, cost }, null, 2)}\n`);
writeFileSync(out, `${renderReport(results)}\n${renderCostSection(cost)}`);
const t = targets(results);
progress(`done in ${Math.round(results.seconds)} s: ${out} (raw figures: ${json})`);
progress(
  `targets: mapping ${t.mapping ? 'met' : 'missed'}; vs posthog-node ${t.vsPostHogNode.toFixed(2)}×; vs one POST per event ${t.vsPerEvent.toFixed(1)}×; ` +
    `p99 ${t.p99 ? 'met' : 'missed'}; lost ${t.forwarderLoss} + ${t.e2eLoss}; intake size ${t.intakeSize ? 'met' : 'missed'}, init ${t.intakeInit ? 'met' : 'missed'}; forwarder size ${t.forwarderSize ? 'met' : 'missed'}`,
);
