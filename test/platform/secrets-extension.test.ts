import { createNodeHttpTransport } from '#shared/lib/node-http-transport';
import type { PooledTransport } from '#shared/lib/http-transport';
import { createExtensionSecretReader, EXTENSION_POOL } from '#shared/platform/secrets-extension';
import { SecretError } from '#shared/platform/secrets';
import { absentExtensionPort, type FakeSecretsExtension, startFakeSecretsExtension } from '../support/fake-secrets-extension.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:forwarder/webhook-tokens&x=1-AbCdEf';
let extension: FakeSecretsExtension;
let transport: PooledTransport;
let clock = 0;

beforeAll(async () => {
  extension = await startFakeSecretsExtension({ 'posthog-api-key': 'phc_key', [ARN]: '["t1","t2"]', binary: '' });
  transport = createNodeHttpTransport(EXTENSION_POOL);
});
afterAll(async () => {
  await transport.close();
  await extension.close();
});
beforeEach(() => {
  extension.requests.length = 0;
  extension.stall = false;
  clock = 0;
});

const reader = (env: Record<string, string | undefined> = {}, timeoutMs?: number) =>
  createExtensionSecretReader({
    send: transport.send,
    env: { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: extension.port, AWS_SESSION_TOKEN: extension.token, ...env },
    now: () => clock,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });

async function failure(read: Promise<unknown>): Promise<string> {
  const error = await read.then(
    () => new Error('the read succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecretError);
  return (error as Error).message;
}

describe('reading secrets through the Parameters and Secrets extension', () => {
  it('asks for the secret by name or ARN (encoded) with the session token, and returns its SecretString', async () => {
    const read = reader();
    expect(await read('posthog-api-key', 60)).toBe('phc_key');
    expect(await read(ARN, 60)).toBe('["t1","t2"]');
    expect(extension.requests).toEqual(['posthog-api-key', ARN]);
  });

  it('keeps each value maxAge seconds on the clock it is given, then asks again; maxAge 0 asks every time', async () => {
    const read = reader();
    await read('posthog-api-key', 60);
    clock = 59_999;
    await read('posthog-api-key', 60);
    expect(extension.requests).toEqual(['posthog-api-key']);
    clock = 60_000;
    await read('posthog-api-key', 60);
    expect(extension.requests).toEqual(['posthog-api-key', 'posthog-api-key']);
    await read(ARN, 0);
    await read(ARN, 0);
    expect(extension.requests.filter((id) => id === ARN)).toHaveLength(2);
  });

  it('names what went wrong, never a value: refused token, unknown secret, empty value, no session token', async () => {
    expect(await failure(reader({ AWS_SESSION_TOKEN: 'another-session' })('posthog-api-key', 60))).toBe(
      'secret posthog-api-key: the secrets extension answered 401: {"message":"unauthorized"}',
    );
    expect(await failure(reader()('missing', 60))).toMatch(
      /^secret missing: the secrets extension answered 400: .*ResourceNotFoundException/,
    );
    expect(await failure(reader()('binary', 60))).toBe('secret binary is empty or not a string');
    const before = extension.requests.length;
    expect(await failure(reader({ AWS_SESSION_TOKEN: undefined })('posthog-api-key', 60))).toMatch(/AWS_SESSION_TOKEN is not set/);
    expect(extension.requests.length).toBe(before);
  });

  it('fails, asking whether the layer is there, when nothing listens on the port', async () => {
    const port = await absentExtensionPort();
    expect(await failure(reader({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port })('posthog-api-key', 60))).toMatch(
      /^secret posthog-api-key: the secrets extension did not answer \(.*ECONNREFUSED.*\); is its layer on the function\?$/,
    );
  });

  it('gives up on an extension that never answers after its timeout', async () => {
    extension.stall = true;
    expect(await failure(reader({}, 200)('posthog-api-key', 60))).toMatch(/did not answer \(.*aborted due to timeout\)/);
    expect(extension.requests).toEqual(['posthog-api-key']);
  });
});
