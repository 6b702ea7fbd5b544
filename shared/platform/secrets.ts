import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { Config } from './config.ts';

/** Reads a secret's string value; Powertools caches it for `maxAge` seconds so rotations are picked up. */
export type SecretReader = (name: string, maxAgeSeconds: number) => Promise<string>;

export const readSecretsManager: SecretReader = async (name, maxAge) => {
  const value = await getSecret<string>(name, { maxAge });
  if (typeof value !== 'string' || value === '') throw new SecretError(`secret ${name} is empty or not a string`);
  return value;
};

export class SecretError extends Error {
  override name = 'SecretError';
}

export interface Secrets {
  posthogApiKey(): Promise<string>;
  webhookTokens(): Promise<string[]>;
}

/** Parses the webhook tokens secret: a JSON list `["new","old"]` (for rotation) or a single token. */
export function parseTokenList(value: string): string[] {
  const text = value.trim();
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.every((t) => typeof t === 'string')) {
      throw new SecretError('the webhook tokens secret must be a JSON list of strings');
    }
    return parsed.map((t) => t.trim()).filter((t) => t !== '');
  }
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** Values from the environment win (local runs); otherwise Secrets Manager names from the config are read. */
export function createSecrets(config: Config, read: SecretReader = readSecretsManager): Secrets {
  const maxAge = config.secretsMaxAgeSeconds;
  const key = config.posthogApiKey;
  const tokens = config.webhookTokens;
  return {
    posthogApiKey: async () => ('value' in key ? key.value : (await read(key.secret, maxAge)).trim()),
    webhookTokens: async () => {
      if (tokens === undefined) return [];
      return 'values' in tokens ? tokens.values : parseTokenList(await read(tokens.secret, maxAge));
    },
  };
}
