import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * zod's tree-shakable API (functions instead of methods: `z.optional(s)`, `s.check(z.minLength(1))`), for the schemas
 * the Lambda functions load: the whole classic API is ~100 kB of the intake bundle, this ~30 kB (docs/benchmarks.md,
 * section 4). The same core validates, so the same input gives the same issues. zod/mini loads no messages of its own
 * ("Invalid input" for all); classic zod sets the English ones when it loads, so this does too, for the same texts
 * (zod.dev/packages/mini, "Error messages").
 */
config(en());

/** What classic zod's `ctx.addIssue(message)` does inside a transform: a custom issue on the value being transformed. */
export const addIssue = (payload: { value: unknown; issues: unknown[] }, message: string): void => {
  payload.issues.push({ code: 'custom', message, input: payload.value });
};
