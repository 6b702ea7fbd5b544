import { RECOVERY_FULL } from './recovery.ts';

/**
 * §7: the default body limit (1 MiB) and the largest `maxBodyBytes` the front allows (10 MiB). Median of 5: a
 * whole-heap collection of what earlier bodies left (its concurrent marking counts in `process.cpuUsage`) lands on
 * whichever body is being measured and can span two of its requests; of 3 runs that was the median (+20 ms).
 */
export const PARSERS_FULL = { limits: [1024 * 1024, 10 * 1024 * 1024], runs: 5 };

/** Sizes for `npm run bench` (full) and `npm run bench:quick` (tiny, the CI smoke test). */
export const benchConfig = (quick: boolean) =>
  quick
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
        parsers: { limits: [64 * 1024], runs: 1 },
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
        parsers: PARSERS_FULL,
      };

export type BenchConfig = ReturnType<typeof benchConfig>;

/** Round trip to PostHog's EU/US ingestion from a nearby AWS region is tens of ms; 20 ms is a modest stand-in. */
export const RTT_MS = 20;
