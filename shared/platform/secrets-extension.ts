import type { HttpTransport, PoolOptions } from '../lib/http-transport.ts';
import { SecretError, type SecretReader, secretString } from './secrets.ts';

/**
 * How the deployed functions read their secrets: through AWS's Parameters and Secrets Lambda Extension, a layer the
 * stack adds to every function (infra/secrets-extension.ts). The extension answers on localhost
 * (`GET /secretsmanager/get?secretId=<name>`, the port in PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, 2773 by default),
 * checks the `X-Aws-Parameters-Secrets-Token` header against the function's AWS_SESSION_TOKEN, calls Secrets Manager's
 * GetSecretValue with the function's role and returns its JSON answer (`SecretString`)
 * (docs.aws.amazon.com/lambda/latest/dg/with-secrets-manager.html; .../secretsmanager/latest/userguide/retrieving-secrets_lambda.html).
 * AWS recommends it over the SDK for Lambda; here it keeps the Secrets Manager client out of the bundles (intake
 * 315 → 299 kB, docs/benchmarks.md §4). It answers only during an invocation, never at init: secrets are read on first
 * use (shared/platform/secrets.ts). The CLI and local runs, outside Lambda, read through the SDK instead
 * (secrets-manager-reader.ts).
 */
export const EXTENSION_PORT = 2773;

/** A read of the extension bounded well inside the intake's 6 s timeout (Powertools' AppConfig agent client: 3 s). */
export const EXTENSION_TIMEOUT_MS = 3_000;

/** The intake's own small pool to the extension; the other functions reuse the node:http pool they already have. */
export const EXTENSION_POOL: PoolOptions = { connections: 2, keepAliveTimeoutMs: 60_000, connectTimeoutMs: 1_000 };

export interface ExtensionReaderOptions {
  /** One GET to the extension (the functions' node:http transport). */
  send: HttpTransport;
  /** PARAMETERS_SECRETS_EXTENSION_HTTP_PORT and AWS_SESSION_TOKEN are read from here. */
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
  /** Clock of the value cache (ms). */
  now?: () => number;
}

/** The GetSecretValue answer fields the readers use (docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html). */
interface SecretValueAnswer {
  SecretString?: unknown;
}

function parseAnswer(text: string): SecretValueAnswer {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) return parsed;
  } catch {
    // named below
  }
  throw new SecretError('the secrets extension answered 200 with no GetSecretValue JSON');
}

function extensionUrl(env: ExtensionReaderOptions['env'], name: string): string {
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? String(EXTENSION_PORT);
  return `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(name)}`;
}

export function createExtensionSecretReader({
  send,
  env,
  timeoutMs = EXTENSION_TIMEOUT_MS,
  now = Date.now,
}: ExtensionReaderOptions): SecretReader {
  const fetchSecret = async (name: string): Promise<string> => {
    const token = env.AWS_SESSION_TOKEN;
    if (!token) throw new SecretError(`secret ${name}: AWS_SESSION_TOKEN is not set, so the secrets extension cannot be asked`);
    const answer = await send({
      method: 'GET',
      url: extensionUrl(env, name),
      headers: { 'x-aws-parameters-secrets-token': token },
      timeoutMs,
    }).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SecretError(`secret ${name}: the secrets extension did not answer (${reason}); is its layer on the function?`);
    });
    if (answer.status !== 200) {
      // The extension passes Secrets Manager's own error on (e.g. ResourceNotFoundException, AccessDeniedException).
      throw new SecretError(`secret ${name}: the secrets extension answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    }
    return secretString(name, parseAnswer(answer.text).SecretString);
  };
  // Each value kept `maxAge` seconds, as Powertools' getSecret keeps it. Hand-written rather than Powertools'
  // BaseProvider: that class brings value transforms and multi-reads nothing here uses (2.9 kB of the intake bundle)
  // and reads the wall clock, where this cache takes the clock it is given.
  const cache = new Map<string, { value: string; until: number }>();
  return async (name, maxAge) => {
    const cached = cache.get(name);
    if (cached && now() < cached.until) return cached.value;
    const value = await fetchSecret(name);
    if (maxAge > 0) cache.set(name, { value, until: now() + maxAge * 1_000 });
    return value;
  };
}
