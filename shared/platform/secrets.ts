import type { Config } from './config.ts';

/**
 * Reads a secret's string value, keeping it `maxAge` seconds so rotations are picked up. Two readers: the deployed
 * functions' (secrets-extension.ts, AWS's Parameters and Secrets Lambda Extension) and the CLI's and local runs'
 * (secrets-manager-reader.ts, the SDK).
 */
export type SecretReader = (name: string, maxAgeSeconds: number) => Promise<string>;

export class SecretError extends Error {
  override name = 'SecretError';
}

/** What a reader got for secret `name`, if it is a non-empty string: both readers accept only that. */
export function secretString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new SecretError(`secret ${name} is empty or not a string`);
  return value;
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

/** Values from the environment win (local runs); otherwise Secrets Manager names from the config are read with `read`. */
export function createSecrets(config: Config, read: SecretReader): Secrets {
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
