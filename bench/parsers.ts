import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type IntakeDeps, handleIntake } from '#shared/intake/router';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';
import type { QueueMessage } from '#shared/queue/message';
import { DEFAULT_STREAMS_OPTIONS } from '#shared/streams/map-streams';
import { HOSTILE_BODIES } from './hostile-bodies.ts';
import { benchRequest } from './http-api-event.ts';
import { type Spread, spread } from './stats.ts';

/** One worst-case body (bench/hostile-bodies.ts) at one body size limit. */
export interface ParserRow {
  parser: string;
  shape: string;
  /** The body size limit (`MAX_BODY_BYTES`) the body was built to. */
  limit: number;
  bytes: number;
  /** The intake's answer. */
  status: number;
  /** CPU ms (user + system) of the whole intake handling of one request. */
  cpuMs: Spread;
}

export interface ParsersResult {
  limits: number[];
  runs: number;
  rows: ParserRow[];
}

/** The intake's CPU budget for any body up to the limit (issue 19). */
export const PARSER_GOAL_MS = 50;
const TOKEN = 'bench-token-parsers';

/** The intake as deployed minus its AWS clients and its log output: an in-memory queue, a silent logger. */
function deps(maxBodyBytes: number): IntakeDeps {
  const messages: QueueMessage[] = [];
  return {
    config: {
      posthogHost: 'https://eu.i.posthog.com',
      maxBodyBytes,
      strict: false,
      personlessEvents: new Set(OUTREACH_EVENTS),
      streams: DEFAULT_STREAMS_OPTIONS,
    },
    secrets: { posthogApiKey: async () => 'phc_bench', webhookTokens: async () => [TOKEN] },
    queue: {
      enqueue: async (batch) => {
        for (const message of batch) messages.push(message);
      },
    },
    logger: new Logger({ serviceName: 'intake', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Bench', serviceName: 'intake' }),
    now: () => new Date(),
    libVersion: '0.0.0-bench',
  };
}

const request = (path: string, contentType: string, body: string) =>
  benchRequest({ path, body, headers: { 'content-type': contentType, authorization: `Bearer ${TOKEN}` }, requestId: 'bench' });

/**
 * Each worst-case body at each limit through `handleIntake` (auth, body reader, checks, mapping, queue messages),
 * one request at a time in this process: CPU time by `process.cpuUsage`, after one unmeasured warm-up request.
 */
export async function benchParsers(options: { limits: number[]; runs: number }, progress: (line: string) => void): Promise<ParsersResult> {
  const rows: ParserRow[] = [];
  // Metrics would print one EMF line per request among the progress lines; the local runner turns them off the same way.
  const metricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  for (const limit of options.limits) {
    for (const shape of HOSTILE_BODIES) {
      const body = shape.body(limit);
      const once = async () => {
        const start = process.cpuUsage();
        const answer = await handleIntake(request(shape.path, shape.contentType, body), deps(limit));
        const used = process.cpuUsage(start);
        return { status: answer.statusCode ?? 0, ms: (used.user + used.system) / 1000 };
      };
      const { status } = await once();
      const times: number[] = [];
      for (let run = 0; run < options.runs; run++) times.push((await once()).ms);
      const row = { parser: shape.parser, shape: shape.shape, limit, bytes: Buffer.byteLength(body), status, cpuMs: spread(times) };
      rows.push(row);
      progress(`   ${limit} B limit, ${shape.parser}: ${shape.shape}: HTTP ${status}, ${row.cpuMs.median.toFixed(1)} ms CPU`);
    }
  }
  if (metricsDisabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = metricsDisabled;
  return { limits: options.limits, runs: options.runs, rows };
}

/** Per parser, its slowest body at `limit` (by median CPU). */
export function slowestPerParser(result: ParsersResult, limit: number): ParserRow[] {
  const slowest = new Map<string, ParserRow>();
  for (const row of result.rows.filter((r) => r.limit === limit)) {
    const known = slowest.get(row.parser);
    if (!known || row.cpuMs.median > known.cpuMs.median) slowest.set(row.parser, row);
  }
  return [...slowest.values()];
}
