/**
 * Forwarder Lambda timeout. One PostHog request may take POSTHOG_TIMEOUT_MS (10 s) and is tried up to 3 times with
 * backoff (retry-policy.ts), so a slow PostHog can hold a batch for about 31 s; 60 s leaves room for the secret
 * read, dead-lettering and a cold start (docs/deploy.md, "Sizing").
 */
const FORWARDER_TIMEOUT_SECONDS = 60;

/** Queue settings shared by the CDK stack and the local runner, so both behave alike. */
export const QUEUE_SETTINGS = {
  forwarderTimeoutSeconds: FORWARDER_TIMEOUT_SECONDS,
  /**
   * Six times the forwarder timeout: AWS's advice for SQS event sources, so a batch whose invocation was throttled
   * can be retried before the messages become visible again
   * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
   */
  visibilityTimeoutSeconds: 6 * FORWARDER_TIMEOUT_SECONDS,
  retentionDays: 14,
  /** Default receives before SQS moves a message to the DLQ; the stack's `-c maxReceiveCount` overrides it. */
  maxReceiveCount: 8,
  /**
   * Records per forwarder invocation and how long the event source gathers them, chosen from `npm run bench`
   * (docs/benchmarks.md, "Forwarder batch size"; the reasoning in docs/architecture.md, "Delivery semantics"): 1,000
   * small events are about 1 MB, within Lambda's 6 MB invocation payload and PostHog's 20 MB /batch/ body, and a
   * 5 s window fills batches at moderate volume, at the price of up to 5 s more before an event reaches PostHog.
   */
  batchSize: 1000,
  batchingWindowSeconds: 5,
} as const;
