import * as z from 'zod';
import { ENV_SETTINGS, type EnvSettingName } from '../shared/platform/env-settings.ts';

/** Which functions read a setting from their environment: the intake, or the forwarder and the outage prober. */
export type FunctionGroup = 'intake' | 'delivery';

/**
 * One deploy-time setting: how its CDK context value is read and checked, what docs/deploy.md says about it, and,
 * for a function setting, the environment variable it becomes.
 */
export interface Setting<S extends z.ZodType = z.ZodType> {
  /** Reads the context value: text from `-c key=value`, or JSON (number, boolean, list) from cdk.json. */
  schema: S;
  /** The "Meaning" cell of the settings table. */
  meaning: string;
  /** The "Default" cell, when the schema's own default does not say it (e.g. a default the function applies). */
  defaultText?: string;
  /** The environment variable the function reads (shared/platform/env-settings.ts) and which functions get it. */
  env?: { name: EnvSettingName; functions: readonly FunctionGroup[] };
}

/** Keeps the schema's own type, so the settings' parsed types reach StackConfig. */
export const setting = <S extends z.ZodType>(definition: Setting<S>): Setting<S> => definition;

/** A context value as the environment text a function would read: lists (from cdk.json) joined by commas. */
const contextText = (value: unknown): unknown =>
  value === undefined ? undefined : Array.isArray(value) ? value.map(String).join(',') : typeof value === 'object' ? value : String(value);

/** The schema of a function setting as the stack reads it: the function's own schema, so both accept the same values. */
export const fromEnv = <N extends EnvSettingName>(name: N) => z.preprocess(contextText, ENV_SETTINGS[name]);

/** `true`/`false`, also as the text `-c` gives. */
export const booleanContext = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean({ error: 'must be true or false' }),
);

/** A whole number in [min, max]; `-c` gives it as text. */
export const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A Lambda layer version ARN, for the settings that replace a default layer (`tracingLayerArn`, `secretsExtensionLayerArn`). */
export const layerArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/,
    'must be a Lambda layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)',
  );

/** An id AWS Chatbot takes (a Teams channel id is URL-encoded, e.g. `19%3a…%40thread.tacv2`): no spaces or quotes. */
export const chatId = (what: string) =>
  z.string().regex(/^[A-Za-z0-9%:@._=+,/-]{1,256}$/, `must be the ${what}, as the AWS Chatbot console shows it`);

type Shape<T extends Record<string, Setting>> = { [K in keyof T]: T[K]['schema'] };

/** The z.object shape of a registry: one schema per context key. */
export const shapeOf = <T extends Record<string, Setting>>(settings: T): Shape<T> =>
  Object.fromEntries(Object.entries(settings).map(([key, s]) => [key, s.schema])) as Shape<T>;
