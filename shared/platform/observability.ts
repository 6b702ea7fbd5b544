import { type LogItem, Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

export const METRICS_NAMESPACE = 'MoEngagePostHogForwarder';

/** Receives every line the functions log, as its JSON object, instead of stdout. */
export type LogTap = (line: Record<string, unknown>) => void;
const taps = new Set<LogTap>();

/**
 * The local runner's way in: its console (access lines) and its status journal read the lines the functions write,
 * the same lines CloudWatch Logs keeps in AWS. The handlers build their loggers at import, as Lambda wants, so the
 * runner cannot hand them a logger; it taps them here instead. In Lambda nothing is tapped and lines go to stdout.
 * Returns the function that removes the tap.
 */
export function tapLogs(tap: LogTap): () => void {
  taps.add(tap);
  return () => taps.delete(tap);
}

class ServiceLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    if (taps.size === 0) {
      super.printLog(logLevel, log);
      return;
    }
    log.prepareForPrint();
    const line = JSON.parse(JSON.stringify(log.getAttributes(), this.getJsonReplacer())) as Record<string, unknown>;
    for (const tap of taps) tap(line);
  }
}

/** One Powertools logger per function; the level comes from POWERTOOLS_LOG_LEVEL (default INFO). */
export const createLogger = (serviceName: string): Logger => new ServiceLogger({ serviceName });

/**
 * The handler, with every log line of an invocation carrying its Lambda context: `function_request_id`,
 * `cold_start`, `function_name`, `function_arn`, `function_memory_size` (Powertools' documented
 * `logger.addContext(context)`, docs.aws.amazon.com/powertools/typescript/latest/features/logger/, "Capturing
 * Lambda context info"). Wrap each function's handler once, at module scope.
 */
export const withLambdaContext =
  <E, R>(logger: Logger, handler: (event: E, context: Context) => Promise<R>) =>
  (event: E, context: Context): Promise<R> => {
    logger.addContext(context);
    return handler(event, context);
  };

/** EMF metrics; namespace and service from POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME when set. */
export const createMetrics = (serviceName: string): Metrics =>
  new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName });

export function count(metrics: Metrics, name: string, value = 1): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

/** A metric with its own dimension (e.g. Rejected{reason}), published at once. */
export function countWithDimension(metrics: Metrics, name: string, dimension: string, dimensionValue: string, value = 1): void {
  if (value <= 0) return;
  const single = metrics.singleMetric();
  single.addDimension(dimension, dimensionValue);
  single.addMetric(name, MetricUnit.Count, value);
}
