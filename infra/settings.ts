import * as z from 'zod';
import { resolvePostHogHost } from '../shared/posthog/host.ts';
import { envText } from '../shared/platform/env-settings.ts';
import { ALARM_SETTINGS } from './alarm-settings.ts';
import { FUNCTION_SETTINGS } from './function-settings.ts';
import { booleanContext, type FunctionGroup, integer, layerArn, type Setting, setting } from './setting.ts';

/** CloudWatch Logs retention values (days) that CloudFormation accepts. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * The stack's own settings. Throttling defaults sit above MoEngage's default connector rate (60K requests/min =
 * 1,000/s) with headroom for bursts, and below the account-level API Gateway quota (10,000/s, burst 5,000).
 */
const STACK_SETTINGS = {
  stage: setting({
    schema: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be 1–20 lower-case letters, digits or "-", starting with a letter')
      .default('prod'),
    meaning:
      'Stage name (lower-case letters, digits, `-`; ≤ 20 chars). Names the stack, the secrets, the dashboard and the metrics namespace, so stages live side by side in one account.',
  }),
  posthogHost: setting({
    schema: z
      .string({ error: 'is required: "us", "eu" or the URL of a self-hosted PostHog' })
      .refine((host) => resolvePostHogHost(host).ok, 'must be "us", "eu" or an http(s) URL with no query or fragment'),
    defaultText: 'none (`stages.prod` in cdk.json: `us`)',
    meaning: '`us`, `eu` or the URL of a self-hosted PostHog (`POSTHOG_HOST` of every function).',
  }),
  endpoint: setting({
    schema: z.enum(['apiGateway', 'functionUrl'], { error: 'must be apiGateway or functionUrl' }).default('apiGateway'),
    meaning:
      'MoEngage\'s way in: the HTTP API (throttling, access log, 10 MB requests) or the intake\'s Lambda function URL (no API Gateway charge; reserved concurrency instead of throttling; 6 MB requests). docs/deploy.md, "Choosing the front".',
  }),
  throttlingRateLimit: setting({
    schema: integer(1, 10_000).default(2_000),
    meaning: "Stage throttling, requests/s. Above MoEngage's default connector rate (60K/min = 1,000/s).",
  }),
  throttlingBurstLimit: setting({
    schema: integer(1, 5_000).default(4_000),
    meaning: 'Stage throttling burst (≤ 5,000, the account default).',
  }),
  intakeReservedConcurrency: setting({
    schema: integer(1, 1_000).default(100),
    meaning:
      "With `endpoint=functionUrl`: the intake's reserved concurrency, in place of API Gateway's throttling; requests beyond it get 429 from Lambda. 100 is about 6,600 requests/s at 15 ms each.",
  }),
  maxConcurrency: setting({
    // AWS allows 2–1,000 for an SQS event source's maximum concurrency.
    schema: integer(2, 1_000).default(5),
    meaning: 'Most concurrent forwarder invocations (2–1,000): caps the load on PostHog. ≈ 5 × 1,000 events per ~0.3 s with full batches.',
  }),
  logRetentionDays: setting({
    schema: z.coerce
      .number()
      .refine((days) => RETENTION_DAYS.includes(days), `must be one of ${RETENTION_DAYS.join(', ')}`)
      .default(30),
    meaning: 'Retention of the function logs and API access logs (a value CloudWatch Logs offers: 1, 3, 5, 7, 14, 30, 60, 90, …).',
  }),
  cohortSync: setting({
    schema: booleanContext.default(false),
    meaning: 'Adds the PostHog cohorts → MoEngage segments sync (docs/cohort-sync.md).',
  }),
  logLevel: setting({
    schema: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR'], { error: 'must be DEBUG, INFO, WARN or ERROR' }).default('INFO'),
    meaning:
      "The functions' application log level (Lambda advanced logging controls, read by Powertools too): `DEBUG` adds one line per accepted request; rejections (`WARN`, with their reason) and errors (`ERROR`) show at `INFO` and `WARN`.",
  }),
  tracing: setting({
    schema: booleanContext.default(false),
    meaning:
      "Active tracing of every function with AWS's OpenTelemetry Lambda layer; the forwarder records each PostHog request as a span. Off by default: traces cost $5 per million and nothing reads them day to day.",
  }),
  tracingLayerArn: setting({
    schema: layerArn.optional(),
    defaultText: "`AWSOpenTelemetryDistroJs` version 12 of account 615299751070 in the stack's region",
    meaning:
      'With `tracing=true`: the OpenTelemetry layer, for a region where AWS publishes another version or account (AWS\'s layer table; docs/deploy.md, "Logs and tracing").',
  }),
  secretsExtensionLayerArn: setting({
    schema: layerArn.optional(),
    defaultText: "AWS-Parameters-and-Secrets-Lambda-Extension-Arm64 1.0.103 from aws-cdk-lib's region table (21 regions)",
    meaning:
      'The Parameters and Secrets extension layer the functions read their secrets through, for a region aws-cdk-lib has no ARN for (AWS\'s layer table; docs/deploy.md, "Setting the secrets").',
  }),
  apiAccessLog: setting({
    schema: booleanContext.default(false),
    meaning: "The HTTP API's JSON access log (one line per request). Off by default: the intake logs every rejection and error itself.",
  }),
};

/**
 * Every deploy-time setting, in the order docs/deploy.md lists them. Add a setting here (and, for a function
 * setting, in shared/platform/env-settings.ts): config parsing, the functions' environment and the docs table follow.
 */
export const SETTINGS = { ...STACK_SETTINGS, ...FUNCTION_SETTINGS, ...ALARM_SETTINGS };

export type SettingKey = keyof typeof SETTINGS;

/** The environment a group of functions gets from the settings: each of its settings, as the text it reads. */
export function settingsEnvironment(config: Partial<Record<SettingKey, unknown>>, group: FunctionGroup): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, definition] of Object.entries(SETTINGS) as [SettingKey, Setting][]) {
    const value = config[key];
    if (!definition.env?.functions.includes(group) || value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw new Error(`setting ${key} parsed to a ${typeof value}; a function setting must be text, a number or a boolean`);
    environment[definition.env.name] = envText(value);
  }
  return environment;
}
