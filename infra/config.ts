import * as z from 'zod';
import { METRICS_NAMESPACE } from '../shared/platform/observability.ts';
import { TOGETHER } from './alarm-settings.ts';
import { shapeOf } from './setting.ts';
import { SETTINGS } from './settings.ts';

/** Stack settings, read from CDK context (`-c key=value` or cdk.json); the registry and its docs: infra/settings.ts. */
const ContextSchema = z.object(shapeOf(SETTINGS));

export type StackConfig = z.infer<typeof ContextSchema>;

/** The context keys this app reads; anything else in `stages.<name>` is a typo and is refused. */
export const CONTEXT_KEYS = Object.keys(SETTINGS) as (keyof StackConfig)[];

/** Every setting's default (undefined: none), as the stack applies it. */
export const DEFAULTS = ContextSchema.partial({ posthogHost: true }).parse({}) as Omit<StackConfig, 'posthogHost'>;

/** The largest request body a function URL front accepts (see the check in resolveStackConfig). */
export const FUNCTION_URL_MAX_BODY_BYTES = 4 * 1024 * 1024;

export class StackConfigError extends Error {
  override name = 'StackConfigError';
}

/** CDK's own context keys have a colon, a slash or a dash (`aws:cdk:…`, `@aws-cdk/…`, `cli-telemetry`); ours do not. */
const SETTING_LIKE = /^[a-z][A-Za-z0-9]*$/;
const isKnown = (key: string): boolean => (CONTEXT_KEYS as string[]).includes(key);

/**
 * Resolves the stack settings. Precedence: a top-level context key (`-c key=value`, or a top-level key in cdk.json)
 * → the same key under `stages.<stage>` in cdk.json → the default. So cdk.json can hold each stage's settings
 * while `-c` still overrides any of them for one deploy. `topLevelKeys` (all context keys) lets a mistyped `-c`
 * key be refused instead of silently ignored.
 */
export function resolveStackConfig(context: (key: string) => unknown, topLevelKeys: readonly string[] = []): StackConfig {
  const typos = topLevelKeys.filter((key) => SETTING_LIKE.test(key) && key !== 'stages' && !isKnown(key));
  if (typos.length > 0) throw new StackConfigError(`invalid CDK context: unknown settings ${typos.map((k) => `-c ${k}`).join(', ')}`);
  const stage = context('stage') ?? DEFAULTS.stage;
  const perStage = stageBlock(context('stages'), stage);
  const unknown = Object.keys(perStage).filter((key) => key === 'stage' || !isKnown(key));
  if (unknown.length > 0)
    throw new StackConfigError(`invalid CDK context: stages.${String(stage)} has unknown keys: ${unknown.join(', ')}`);

  const input: Record<string, unknown> = { stage };
  for (const key of CONTEXT_KEYS) {
    if (key === 'stage') continue;
    const value = context(key) ?? perStage[key];
    // `-c alarmEmail=` clears a value set in cdk.json (the default applies again).
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = ContextSchema.superRefine((c, ctx) => {
    // A function URL request is one synchronous invocation: at most 6 MB of event, where a binary body travels
    // base64-encoded (4/3 of its size); 4 MiB of body leaves room for that and the headers.
    if (c.endpoint === 'functionUrl' && (c.maxBodyBytes ?? 0) > FUNCTION_URL_MAX_BODY_BYTES)
      ctx.addIssue({
        code: 'custom',
        path: ['maxBodyBytes'],
        message: `must be at most ${FUNCTION_URL_MAX_BODY_BYTES} with endpoint=functionUrl (Lambda's 6 MB request payload)`,
      });
    if (c.endpoint === 'functionUrl' && c.apiAccessLog)
      ctx.addIssue({ code: 'custom', path: ['apiAccessLog'], message: 'needs endpoint=apiGateway (a function URL has no access log)' });
    if (c.retryMaxSeconds < c.retryBaseSeconds)
      ctx.addIssue({ code: 'custom', path: ['retryMaxSeconds'], message: 'must be at least retryBaseSeconds' });
    for (const group of TOGETHER) {
      const given = group.filter((key) => c[key] !== undefined);
      if (given.length > 0 && given.length < group.length)
        ctx.addIssue({
          code: 'custom',
          path: [group.find((key) => c[key] === undefined) ?? ''],
          message: `is needed with ${given.join(', ')}`,
        });
    }
  }).safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `-c ${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new StackConfigError(`invalid CDK context: ${details}`);
  }
  return parsed.data;
}

/**
 * The Powertools metrics namespace of a stage: METRICS_NAMESPACE plus the stage, so two stages in one account never
 * mix their metrics or trip each other's alarms (Powertools has no environment variable for an extra dimension).
 */
export const metricsNamespace = (stage: string): string => `${METRICS_NAMESPACE}/${stage}`;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `stages.<stage>` block of cdk.json, or {} when there is none. */
function stageBlock(stages: unknown, stage: unknown): Record<string, unknown> {
  if (stages === undefined) return {};
  if (!isRecord(stages)) throw new StackConfigError('invalid CDK context: stages must be an object of stage name → settings');
  const block = typeof stage === 'string' ? stages[stage] : undefined;
  if (block === undefined) return {};
  if (!isRecord(block)) throw new StackConfigError(`invalid CDK context: stages.${String(stage)} must be an object`);
  return block;
}

/** The CloudFormation stack name; one per stage, so stages deploy side by side in one account and region. */
export const stackName = (stage: string): string => `MoEngagePostHogForwarder-${stage}`;
