/**
 * What the Lambda bundles get in place of `@smithy/core/event-streams` (an esbuild alias, infra/function-defaults.ts
 * LAMBDA_ALIASES; the sources, tests, local runner and CLI keep the real module). The SDK needs the codec only for an
 * operation whose input or output is an event stream (@smithy/core HttpProtocol.loadEventStreamCapability). SQS and
 * Secrets Manager have no such operation; Lambda (InvokeWithResponseStream) and S3 (SelectObjectContent) have one
 * each, which no function calls (test/platform/no-event-streams.test.ts reads the clients' schemas). The codec was
 * ~15 kB of each bundle (docs/benchmarks.md, section 4). Anything that would encode or decode a stream fails, saying so.
 */
const notBundled = (): never => {
  throw new Error('@smithy/core/event-streams is not bundled in this Lambda function: no operation it calls streams events');
};

export interface EventStreamMarshallerStandIn {
  serialize: () => never;
  deserialize: () => never;
}

/** The marshaller the Lambda and S3 clients build when constructed; it fails only when used. */
export const eventStreamSerdeProvider = (): EventStreamMarshallerStandIn => ({ serialize: notBundled, deserialize: notBundled });

/** The client-config step of those clients, as @smithy/core's EventStreamSerdeConfig does it: the marshaller from the provider. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
): T & { eventStreamMarshaller: ReturnType<T['eventStreamSerdeProvider']> } =>
  Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) as ReturnType<T['eventStreamSerdeProvider']> });

/** What HttpProtocol builds to (de)serialise an event-stream operation's body. */
export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}
