import type { BatchingRow } from './batching.ts';
import type { ColdStartRow, BundleSettings } from './cold-start.ts';
import type { EndToEndResult } from './e2e.ts';
import type { ForwardingRow } from './forwarding.ts';
import type { IntakeResult } from './intake.ts';
import type { MachineInfo } from './machine.ts';
import type { MappingCase } from './mapping.ts';
import type { ParsersResult } from './parsers.ts';
import type { RecoveryResult } from './recovery.ts';
import type { ScaleEstimate } from './scale.ts';
import { fmt, type Spread } from './stats.ts';

/** Everything one `npm run bench` measured (saved as .bench/results.json; the report is rendered from it). */
export interface BenchResults {
  quick: boolean;
  startedAt: string;
  seconds: number;
  command: string;
  machine: MachineInfo;
  loadBefore: number;
  loadAfter: number;
  config: Record<string, unknown>;
  mapping: MappingCase[];
  forwarding: ForwardingRow[];
  forwardingRtt: { delayMs: number; rows: ForwardingRow[] };
  endToEnd: EndToEndResult;
  intake: IntakeResult;
  coldStart: { settings: BundleSettings; rows: ColdStartRow[] };
  scale: ScaleEstimate;
  /** Draining a backlog after an outage (absent from figures saved before it was measured). */
  recovery?: RecoveryResult;
  /** The forwarder over several batch sizes (bench/batching.ts); absent in older results. */
  batching?: { delayMs: number; rows: BatchingRow[] };
  /** §7, each parser's worst-case bodies at the size limit (bench/parsers.ts); absent in older results. */
  parsers?: ParsersResult;
}

/** Report formatting shared by the sections. */
export const yes = (ok: boolean) => (ok ? '**met**' : '**missed**');
export const ms = (s: Spread) => `${fmt(s.median, 1)} (${fmt(s.min, 1)}–${fmt(s.max, 1)})`;
export const kb = (bytes: number) => `${fmt(bytes / 1000)} kB`;

const ratio = (rows: ForwardingRow[], a: string, b: string): number => {
  const x = rows.find((f) => f.way === a)?.eventsPerSecond.median;
  const y = rows.find((f) => f.way === b)?.eventsPerSecond.median;
  return x !== undefined && y ? x / y : 0;
};

/** §4's targets for the deployed build (issue 15): intake ≤ 300 kB and ≤ 80 ms init, forwarder ≤ 700 kB. */
export const COLD_START_TARGETS = { intakeBytes: 300_000, intakeInitMs: 80, forwarderBytes: 700_000 };

export function coldStartTargets(rows: readonly ColdStartRow[]) {
  const deployed = (name: string) => rows.find((c) => c.name === name && c.variant === 'deployed');
  const intake = deployed('intake');
  const forwarder = deployed('forwarder');
  return {
    intakeSize: intake ? intake.bundleBytes <= COLD_START_TARGETS.intakeBytes : false,
    intakeInit: intake ? intake.initMs.median <= COLD_START_TARGETS.intakeInitMs : false,
    forwarderSize: forwarder ? forwarder.bundleBytes <= COLD_START_TARGETS.forwarderBytes : false,
  };
}

/** Each target the report states, met or not, from the measured figures. */
export function targets(r: BenchResults) {
  const forwarder = r.forwarding.find((f) => f.way === 'forwarder');
  const small = r.mapping[0];
  return {
    mapping: (small?.eventsPerCpuSecond.median ?? 0) >= 50_000,
    vsPostHogNode: ratio(r.forwarding, 'forwarder', 'posthog-node-flush'),
    vsPerEvent: ratio(r.forwarding, 'forwarder', 'per-event-keepalive'),
    rttVsPostHogNode: ratio(r.forwardingRtt.rows, 'forwarder', 'posthog-node-flush'),
    rttVsPerEvent: ratio(r.forwardingRtt.rows, 'forwarder', 'per-event-keepalive'),
    forwarderLoss: forwarder ? forwarder.missing : Number.NaN,
    p99: r.endToEnd.p99.median < 50,
    p99VsHealth: r.endToEnd.health ? r.endToEnd.p99.median - r.endToEnd.health.p99.median <= 60 : false,
    e2eLoss: r.endToEnd.missing,
    ...coldStartTargets(r.coldStart.rows),
  };
}

export type Targets = ReturnType<typeof targets>;
