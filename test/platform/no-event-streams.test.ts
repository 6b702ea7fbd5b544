import { readdirSync, readFileSync } from 'node:fs';
import { NormalizedSchema } from '@smithy/core/schema';
import { EventStreamSerde, eventStreamSerdeProvider, resolveEventStreamSerdeConfig } from '#shared/platform/no-event-streams';
import { LAMBDA_ALIASES } from '../../infra/function-defaults.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * The operations of a client with an event-stream member in their input or output: the ones for which the SDK loads
 * @smithy/core/event-streams (RpcProtocol/HttpBindingProtocol ask NormalizedSchema.getEventStreamMember).
 */
async function eventStreamOperations(client: string): Promise<string[]> {
  const exports: Record<string, unknown> = await import(client);
  return Object.entries(exports)
    .filter(([name, schema]) => name.endsWith('$') && Array.isArray(schema) && schema[0] === 9) // operation schemas
    .filter(([, op]) =>
      [(op as unknown[])[4], (op as unknown[])[5]].some((s) => NormalizedSchema.of(s as never).getEventStreamMember() !== ''),
    )
    .map(([name]) => name.slice(0, -1));
}

/** Every source file a Lambda bundle can hold. */
const functionSources = (): string[] =>
  ['functions', 'shared'].flatMap((dir) =>
    readdirSync(`${ROOT}${dir}`, { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.ts') && !path.endsWith('no-event-streams.ts')) // which names them
      .map((path) => `${ROOT}${dir}/${path}`),
  );

describe('the Lambda bundles’ stand-in for the SDK’s event-stream codec', () => {
  it('is what the Lambda bundles get for @smithy/core/event-streams', () => {
    expect(LAMBDA_ALIASES['@smithy/core/event-streams']).toBe('./shared/platform/no-event-streams.ts');
  });

  it('lets a client with an event-stream operation be built, and fails, saying why, if a stream is ever encoded or decoded', () => {
    const config = resolveEventStreamSerdeConfig({ eventStreamSerdeProvider });
    const message = /event-streams is not bundled in this Lambda function/;
    expect(() => config.eventStreamMarshaller.serialize()).toThrow(message);
    expect(() => config.eventStreamMarshaller.deserialize()).toThrow(message);
    expect(() => new EventStreamSerde()).toThrow(message);
  });

  it('stands in for nothing the functions call', async () => {
    expect(await eventStreamOperations('@aws-sdk/client-sqs')).toEqual([]);
    expect(await eventStreamOperations('@aws-sdk/client-secrets-manager')).toEqual([]);
    // The prober's Lambda client and cohort-sync's S3 client have one each, which no function calls.
    const unused = [...(await eventStreamOperations('@aws-sdk/client-lambda')), ...(await eventStreamOperations('@aws-sdk/client-s3'))];
    expect(unused).toEqual(['InvokeWithResponseStream', 'SelectObjectContent']);
    const calling = functionSources().filter((path) => unused.some((operation) => readFileSync(path, 'utf8').includes(operation)));
    expect(calling).toEqual([]);
  });
});
