import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { type SecretReader, secretString } from './secrets.ts';

/**
 * Reads a secret through the SDK's Secrets Manager client (Powertools' `getSecret`, which keeps it `maxAge` seconds):
 * for the CLI and local runs, where no Lambda extension answers. The deployed functions read through AWS's Parameters
 * and Secrets Lambda Extension (secrets-extension.ts) and carry no Secrets Manager client.
 */
export const readSecretsManager: SecretReader = async (name, maxAge) => secretString(name, await getSecret(name, { maxAge }));
