import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const METRICS_NAMESPACE = 'MoEngagePostHogForwarder';

/** One Powertools logger per function; the level comes from POWERTOOLS_LOG_LEVEL (default INFO). */
export const createLogger = (serviceName: string): Logger => new Logger({ serviceName });

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
