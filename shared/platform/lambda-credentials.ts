import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * What the Lambda bundles get in place of `@aws-sdk/credential-provider-node`'s `defaultProvider` (an esbuild alias,
 * infra/function-defaults.ts LAMBDA_ALIASES; the sources, tests, local runner and CLI keep the whole chain). Lambda
 * hands a function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN
 * (docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html, "Defined runtime environment variables"), which
 * is the first source the default chain reads (`fromEnv`); the rest of the chain (SSO, web identity, INI files,
 * credential_process, instance metadata) never runs there, yet was ~136 kB of the intake bundle and ~19 ms of its
 * init (docs/benchmarks.md, section 4).
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
