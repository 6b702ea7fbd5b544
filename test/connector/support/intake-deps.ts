import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { EventQueue } from '#shared/queue/event-queue';
import type { QueueMessage } from '#shared/queue/message';
import { QueueUnavailableError } from '#shared/queue/event-queue';
import type { IntakeDeps } from '#shared/intake/router';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';
import { DEFAULT_STREAMS_OPTIONS } from '#shared/streams/map-streams';

export interface LogLine {
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  message: string;
  fields: Record<string, unknown>;
}

/** A Powertools Logger that keeps each line instead of printing it. */
export class RecordingLogger extends Logger {
  readonly lines: LogLine[] = [];
  private record(level: LogLine['level'], input: Parameters<Logger['info']>[0], extra: unknown[]): void {
    const fields = Object.assign({}, ...extra.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null));
    this.lines.push({ level, message: typeof input === 'string' ? input : String(input.message), fields });
  }
  override debug(input: Parameters<Logger['debug']>[0], ...extra: Parameters<Logger['debug']>[1][]): void {
    this.record('DEBUG', input, extra);
  }
  override info(input: Parameters<Logger['info']>[0], ...extra: Parameters<Logger['info']>[1][]): void {
    this.record('INFO', input, extra);
  }
  override warn(input: Parameters<Logger['warn']>[0], ...extra: Parameters<Logger['warn']>[1][]): void {
    this.record('WARN', input, extra);
  }
  override error(input: Parameters<Logger['error']>[0], ...extra: Parameters<Logger['error']>[1][]): void {
    this.record('ERROR', input, extra);
  }
}

export interface MetricRecord {
  name: string;
  value: number;
  dimensions: Record<string, string>;
}

/** Powertools Metrics that keeps what would be published as EMF, single metrics with their own dimensions included. */
export class RecordingMetrics extends Metrics {
  constructor(
    readonly records: MetricRecord[] = [],
    private readonly dimensions: Record<string, string> = {},
  ) {
    super({ namespace: 'Test', serviceName: 'intake' });
  }
  override addMetric(name: string, _unit: Parameters<Metrics['addMetric']>[1], value: number): this {
    this.records.push({ name, value, dimensions: { ...this.dimensions } });
    return this;
  }
  override addDimension(name: string, value: string): this {
    this.dimensions[name] = value;
    return this;
  }
  override singleMetric(): Metrics {
    return new RecordingMetrics(this.records, {});
  }
  sum(name: string, dimensions: Record<string, string> = {}): number {
    return this.records
      .filter((r) => r.name === name && Object.entries(dimensions).every(([k, v]) => r.dimensions[k] === v))
      .reduce((total, r) => total + r.value, 0);
  }
}

/** An in-memory EventQueue (our own port, not SQS): keeps messages, or refuses them all when `down`. */
export class MemoryQueue implements EventQueue {
  readonly messages: QueueMessage[] = [];
  down = false;
  async enqueue(messages: readonly QueueMessage[]): Promise<void> {
    if (this.down) throw new QueueUnavailableError('the queue did not accept the events');
    this.messages.push(...messages);
  }
}

export const TOKEN = 'moe-token-2026-current';
export const OLD_TOKEN = 'moe-token-2025-rotating-out';
export const API_KEY = 'phc_forwarder_project_key';
export const NOW = new Date('2026-11-23T16:00:00.000Z');

export interface TestDeps extends IntakeDeps {
  logger: RecordingLogger;
  metrics: RecordingMetrics;
  queue: MemoryQueue;
}

export function intakeDeps(overrides: Partial<Omit<IntakeDeps, 'logger' | 'metrics' | 'queue'>> = {}): TestDeps {
  return {
    config: {
      posthogHost: 'https://eu.i.posthog.com',
      maxBodyBytes: 1024 * 1024,
      strict: false,
      personlessEvents: new Set(OUTREACH_EVENTS),
      streams: DEFAULT_STREAMS_OPTIONS,
    },
    secrets: { posthogApiKey: async () => API_KEY, webhookTokens: async () => [TOKEN, OLD_TOKEN] },
    queue: new MemoryQueue(),
    logger: new RecordingLogger({ serviceName: 'intake' }),
    metrics: new RecordingMetrics(),
    now: () => NOW,
    libVersion: '0.1.0',
    ...overrides,
  };
}
