import { Duration } from 'aws-cdk-lib';
import { ParamsAndSecretsLayerVersion, ParamsAndSecretsLogLevel, ParamsAndSecretsVersions } from 'aws-cdk-lib/aws-lambda';

/**
 * AWS's Parameters and Secrets Lambda Extension on every function: the functions read their secrets from it over
 * localhost (shared/platform/secrets-extension.ts) instead of carrying the Secrets Manager client
 * (docs.aws.amazon.com/lambda/latest/dg/with-secrets-manager.html). aws-cdk-lib sets the layer's environment
 * (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT and the rest) and picks the layer for the stack's region and arm64 from its
 * region table (version 1.0.103, 21 regions); `-c secretsExtensionLayerArn=` takes AWS's ARN for any other region
 * (docs/deploy.md, "Setting the secrets").
 *
 * Its own cache is off: the functions keep each value SECRETS_MAX_AGE_SECONDS themselves (one extension per execution
 * environment, so its cache would cover no more than theirs), and a second cache would stretch how long a rotated
 * token or key can stay in use to twice that. Secrets Manager is asked under 2 s, so the extension answers with an
 * error before the functions' own 3 s bound gives up on it; its log lines only from WARN.
 */
const OPTIONS = {
  cacheEnabled: false,
  secretsManagerTimeout: Duration.seconds(2),
  logLevel: ParamsAndSecretsLogLevel.WARN,
};

export const secretsExtension = (layerArn?: string): ParamsAndSecretsLayerVersion =>
  layerArn === undefined
    ? ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, OPTIONS)
    : ParamsAndSecretsLayerVersion.fromVersionArn(layerArn, OPTIONS);
