import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readBundleSettings } from '../../bench/cold-start.ts';
import type { BenchResults } from '../../bench/report.ts';
import { estimateScale, readStackSizing } from '../../bench/scale.ts';
import { spread } from '../../bench/stats.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('bench helpers', () => {
  it.each([
    [[3], { median: 3, min: 3, max: 3, runs: 1 }],
    [[5, 1, 3], { median: 3, min: 1, max: 5, runs: 3 }],
    [[4, 1, 3, 2], { median: 2.5, min: 1, max: 4, runs: 4 }],
  ])('spread(%j) gives the median, min and max', (values, expected) => {
    expect(spread(values)).toEqual(expected);
  });

  it('reads the esbuild settings NodejsFunction uses from infra/function-defaults.ts', () => {
    const settings = readBundleSettings();
    expect(settings.target).toMatch(/^node\d+$/);
    expect(settings.format).toBe('cjs');
    expect(settings.sourcesContent).toBe(false);
    expect(settings.external).toEqual([]);
  });

  it('estimates concurrency from rate × duration and adds up the monthly cost', () => {
    const estimate = estimateScale({
      requestsPerMinute: 60_000,
      intakeCpuMicros: 0,
      forwarderCpuMicros: 0,
      ...readStackSizing(),
    });
    expect(estimate.requestsPerSecond).toBe(1000);
    // With no CPU cost the durations are the assumed round trips: 10 ms per intake call, 150 ms per batch. At 1,000
    // events/s a 5 s window gathers 5,000, so batches are full (1,000): one invocation a second, 0.15 busy.
    expect(estimate.forwarder.eventsPerInvocation).toBe(1000);
    expect(estimate.intake.concurrency).toBeCloseTo(10);
    expect(estimate.forwarder.concurrency).toBeCloseTo(0.15);
    expect(estimate.monthlyUsd.total).toBeCloseTo(estimate.monthlyUsd.apiGateway + estimate.monthlyUsd.lambda + estimate.monthlyUsd.sqs);
  });
});

describe('npm run bench:quick (smoke: counts and zero loss, never timing)', () => {
  let results: BenchResults;
  let report: string;
  let work: string;

  beforeAll(async () => {
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    work = mkdtempSync(join(ROOT, '.bench', 'smoke-'));
    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/run.ts',
        '--quick',
        '--work',
        work,
        '--out',
        join(work, 'report.md'),
        '--json',
        join(work, 'results.json'),
      ],
      { cwd: ROOT, timeout: 110_000, maxBuffer: 10 * 1024 * 1024 },
    );
    results = JSON.parse(readFileSync(join(work, 'results.json'), 'utf8')) as BenchResults;
    report = readFileSync(join(work, 'report.md'), 'utf8');
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('maps every benchmark body (connector small, 50 properties, Streams batch of 100)', () => {
    expect(results.mapping.map((c) => [c.eventsPerBody, c.eventsPerSecond.runs])).toEqual([
      [1, 5],
      [1, 5],
      [100, 5],
    ]);
  });

  it("delivers every queued event exactly once through the forwarder, in the event source's batches", () => {
    const forwarder = results.forwarding.find((f) => f.way === 'forwarder');
    // 300 events fit one batch of the stack's 1,000: one request.
    expect(forwarder).toMatchObject({ events: 300, requests: 1, missing: 0, duplicates: 0, clientFailures: 0 });
  });

  it('compares batch sizes: one invocation and one PostHog request per batch, nothing lost, log bytes counted', () => {
    expect(results.batching?.rows.map((b) => [b.batchSize, b.invocations, b.requests, b.missing])).toEqual([
      [10, 30, 30, 0],
      [100, 3, 3, 0],
    ]);
    expect(results.batching?.rows.every((b) => b.logBytesPerInvocation > 0)).toBe(true);
  });

  it('delivers every event with one request each on the one-POST-per-event paths', () => {
    for (const way of ['per-event-keepalive', 'per-event-new-connection']) {
      const row = results.forwarding.find((f) => f.way === way);
      expect(row).toBeDefined();
      expect(row).toMatchObject({ missing: 0, duplicates: 0, clientFailures: 0, requests: row?.events });
    }
  });

  it('delivers every event every way when the fake answers after a delay', () => {
    expect(results.forwardingRtt.rows.map((f) => [f.way, f.missing, f.duplicates])).toEqual([
      ['forwarder', 0, 0],
      ['posthog-node-flush', 0, 0],
      ['per-event-keepalive', 0, 0],
    ]);
  });

  it('delivers every event through posthog-node when the relay flushes per batch', () => {
    expect(results.forwarding.find((f) => f.way === 'posthog-node-flush')).toMatchObject({ missing: 0, duplicates: 0 });
  });

  it('delivers every event the intake accepted end to end (uuid sets equal)', () => {
    const e = results.endToEnd;
    expect(e.accepted).toBeGreaterThan(0);
    expect(e).toMatchObject({ missing: 0, non2xx: 0, errors: 0 });
    expect(e.received).toBe(e.accepted + e.unexpected);
    // Events delivered without a read answer are at most the requests autocannon sent and stopped reading.
    expect(e.unexpected).toBeLessThanOrEqual(e.unanswered);
  });

  it('queues every request the intake handler receives', () => {
    expect(results.intake.rejected).toBe(0);
  });

  it('bundles both functions as deployed and with the SDK bundled, listing their heaviest modules', () => {
    expect(results.coldStart.rows.map((r) => `${r.name}/${r.variant}`)).toEqual([
      'intake/deployed',
      'forwarder/deployed',
      'intake/sdk-external',
      'forwarder/sdk-external',
    ]);
    for (const row of results.coldStart.rows) {
      expect(row.bundleBytes).toBeGreaterThan(0);
      expect(row.heaviest.length).toBeGreaterThan(0);
    }
  });

  it('writes a report with the four tables, the scale note and the cost table', () => {
    for (const heading of [
      '## 1. Mapping',
      '## 2. Forwarding',
      '## 3. End to end',
      '## 4. Cold start',
      '## 5. Scale note',
      '## 6. Recovery',
      '## 7. Hostile bodies',
      '## Cost per million events',
    ]) {
      expect(report).toContain(heading);
    }
    // 1 M, 100 M and 1 B events × connector and Streams × API Gateway and function URL.
    expect(report.match(/^\| (1 M|100 M|1 B) \| (connector|streams) \| (API Gateway|function URL) \|/gm)).toHaveLength(12);
  });

  it('drains the backlog after an outage: nothing lost or dead-lettered, the pause held, PostHog saw the probe budget', () => {
    const r = results.recovery;
    expect(r).toMatchObject({ events: 300, missing: 0, deadLettered: 0, leftInQueue: 0, resumesWhileDown: 0 });
    // Opening the breaker: at most one request per attempt of each concurrent invocation; then one probe per second
    // of the outage, plus the one that may fall into the seconds before it (bench/run.ts quick: a 2 s outage).
    expect(r?.requestsWhileDown).toBeLessThanOrEqual((r?.pollers ?? 0) * 3 + (r?.outageSeconds ?? 0) / (r?.probeSeconds ?? 1) + 2);
  });

  it("sends every parser's worst-case bodies at the quick limit: each a named answer, none a 5xx, one row per parser", () => {
    const rows = results.parsers?.rows ?? [];
    expect(rows.length).toBeGreaterThanOrEqual(16);
    expect(rows.every((r) => [200, 400, 413].includes(r.status) && r.bytes <= (results.parsers?.limits[0] ?? 0))).toBe(true);
    const parsers = new Set(rows.map((r) => r.parser));
    expect(report.match(/^\| [^|]+ \| [^|]+ \|( [\d.,]+ KiB \|)? (200|400|413) \| [\d.,]+ \([\d.,]+–[\d.,]+\) \|$/gm)?.length).toBe(
      parsers.size + rows.length,
    );
  });

  it('measures the bytes the intake logs per accepted request', () => {
    expect(results.intake.logBytesPerRequest).toBeGreaterThan(0);
  });
});
