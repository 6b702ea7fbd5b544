/** Queue settings shared by the CDK stack and the local runner, so both behave alike. */
export const QUEUE_SETTINGS = {
  /** Forwarder Lambda timeout; the queue's visibility timeout is six times it (AWS's advice for event sources). */
  forwarderTimeoutSeconds: 30,
  visibilityTimeoutSeconds: 180,
  retentionDays: 14,
  maxReceiveCount: 8,
  batchSize: 100,
  batchingWindowSeconds: 1,
} as const;
