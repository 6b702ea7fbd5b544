import { mapConnectorBody } from '#shared/connector/map-connector';
import { mapStreamsBatch } from '#shared/streams/map-streams';
import { type Spread, spread } from './stats.ts';
import { mappingContext, smallConnectorBody, streamsBatchBody, streamsContext, wideConnectorBody } from './workload.ts';

export interface MappingCase {
  name: string;
  /** Events per request body. */
  eventsPerBody: number;
  /** Events per second of wall time. */
  eventsPerSecond: Spread;
  /** Events per CPU-second of this process: the one-core rate, robust to other load on the machine. */
  eventsPerCpuSecond: Spread;
  /** µs of CPU per event (median run). */
  microsPerEvent: number;
}

export interface MappingOptions {
  runs: number;
  /** Length of one run. */
  runMs: number;
}

type Mapper = (raw: string, index: number) => number;

/** JSON.parse + validation + mapping, as the intake does per request (auth and queueing excluded). */
const CASES: Array<{ name: string; eventsPerBody: number; bodies: (n: number) => string[]; map: Mapper }> = [
  {
    name: 'Connector, small (1 event, 2 properties)',
    eventsPerBody: 1,
    bodies: (n) => Array.from({ length: n }, (_, i) => smallConnectorBody(i)),
    map: (raw) => count(mapConnectorBody(JSON.parse(raw), mappingContext())),
  },
  {
    name: 'Connector, 50 properties + $set',
    eventsPerBody: 1,
    bodies: (n) => Array.from({ length: n }, (_, i) => wideConnectorBody(i)),
    map: (raw) => count(mapConnectorBody(JSON.parse(raw), mappingContext())),
  },
  {
    name: 'Streams batch of 100 events',
    eventsPerBody: 100,
    bodies: (n) => Array.from({ length: Math.max(1, Math.ceil(n / 100)) }, (_, i) => streamsBatchBody(i)),
    map: (raw) => {
      const result = mapStreamsBatch(JSON.parse(raw), streamsContext);
      if (!result.ok || result.rejected.length > 0) throw new Error('benchmark Streams batch did not map completely');
      return result.events.length;
    },
  },
];

function count(result: ReturnType<typeof mapConnectorBody>): number {
  if (!result.ok) throw new Error(`benchmark connector body did not map: ${JSON.stringify(result.errors)}`);
  return result.events.length;
}

/** Maps bodies in a tight loop on this thread (one core) for `runMs`, `runs` times after a warm-up run. */
export function benchMapping(options: MappingOptions, progress: (line: string) => void): MappingCase[] {
  return CASES.map((c) => {
    const bodies = c.bodies(2000);
    const once = (ms: number): { events: number; seconds: number; cpu: number } => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let events = 0;
      let i = 0;
      while (performance.now() - t0 < ms) {
        for (let k = 0; k < 20; k++, i++) events += c.map(bodies[i % bodies.length] as string, i);
      }
      const seconds = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(cpu0);
      return { events, seconds, cpu: (used.user + used.system) / 1e6 };
    };
    once(Math.min(500, options.runMs));
    const results = Array.from({ length: options.runs }, () => once(options.runMs));
    const rates = results.map((r) => r.events / r.seconds);
    const s = spread(rates);
    const perCpu = spread(results.map((r) => r.events / r.cpu));
    const cpuPerEvent = spread(results.map((r) => (r.cpu / r.events) * 1e6)).median;
    progress(
      `  mapping: ${c.name}: ${Math.round(perCpu.median).toLocaleString('en-US')} events per CPU-second, ` +
        `${Math.round(s.median).toLocaleString('en-US')} events/s wall`,
    );
    return { name: c.name, eventsPerBody: c.eventsPerBody, eventsPerSecond: s, eventsPerCpuSecond: perCpu, microsPerEvent: cpuPerEvent };
  });
}
