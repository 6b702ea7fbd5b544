/**
 * What the Lambda bundles get in place of `@smithy/core/event-streams` (an esbuild alias, infra/function-defaults.ts
 * LAMBDA_ALIASES; the sources, tests, local runner and CLI keep the real module). The SDK loads it only for an
 * operation whose input or output is an event stream (@smithy/core HttpProtocol.loadEventStreamCapability). SQS and
 * Secrets Manager have no such operation; Lambda (InvokeWithResponseStream) and S3 (SelectObjectContent) have one
 * each, which no function calls (test/platform/no-event-streams.test.ts reads the clients' schemas). The codec was
 * ~15 kB of each bundle (docs/benchmarks.md, section 4).
 */
const notBundled = (): never => {
  throw new Error('@smithy/core/event-streams is not bundled in this Lambda function: no bundled AWS client has an event-stream operation');
};

export const eventStreamSerdeProvider = notBundled;

export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}
