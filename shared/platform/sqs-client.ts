import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

/**
 * The SQS client both functions use. Requests always go to the resolved endpoint (the regional one in AWS, or
 * AWS_ENDPOINT_URL_SQS); queue URLs only name the queue. In AWS both agree; the in-process SQS server of the local
 * runner and the tests hands out `sqs.<region>.localhost` URLs that do not resolve, so this matters there.
 */
export const createSqsClient = (config: SQSClientConfig = {}): SQSClient => new SQSClient({ useQueueUrlAsEndpoint: false, ...config });

/**
 * Bounds for the functions' SQS calls, so a hanging call cannot outlast MoEngage's 5 s (intake) or the time the
 * forwarder keeps for dead-lettering and visibility changes: 1 s to connect, 2 s per request, two attempts.
 * `md5: false` skips the SDK's MD5 check of each sent body against SQS's MD5OfMessageBody (@aws-sdk/client-sqs
 * SQSClientConfig.md5, "false to prevent MD5 computation"): the request already travels over TLS with a SigV4
 * signature over its payload, and the check cost CPU on every send (docs/benchmarks.md, "Intake CPU per request").
 */
export const LAMBDA_SQS_LIMITS = {
  maxAttempts: 2,
  md5: false,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
} as const satisfies SQSClientConfig;
