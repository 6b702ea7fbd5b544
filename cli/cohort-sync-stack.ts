import { type AwsTarget, CommandError } from './io.ts';
import { DEFAULT_STACK, explainAwsError } from './targets.ts';

/** The CohortSync construct's outputs (infra/cohort-sync.ts); CloudFormation prefixes them with the construct's path. */
const SECRET_OUTPUT = /^CohortSyncSecretName/;
const BUCKET_OUTPUT = /^CohortSyncStateBucketName/;

/**
 * `cohort-sync run --stack <name>`: the environment with the deployed secret and state bucket filled in from the
 * stack's outputs; variables already set win.
 */
export async function cohortSyncEnvFromStack(
  flags: { stack?: string | undefined },
  deps: { env: NodeJS.ProcessEnv; stackOutputs?: (stack: string, target: AwsTarget) => Promise<Record<string, string>> },
): Promise<NodeJS.ProcessEnv> {
  const stack = flags.stack ?? DEFAULT_STACK;
  if (!deps.stackOutputs) throw new CommandError('--stack is not available here');
  let outputs: Record<string, string>;
  try {
    outputs = await deps.stackOutputs(stack, {});
  } catch (error) {
    throw new CommandError(`cannot read the outputs of stack ${stack}: ${explainAwsError((error as Error).message)}`);
  }
  const find = (pattern: RegExp) => Object.entries(outputs).find(([key]) => pattern.test(key))?.[1];
  const secret = find(SECRET_OUTPUT);
  const bucket = find(BUCKET_OUTPUT);
  if (!secret || !bucket) throw new CommandError(`stack ${stack} has no cohort sync (deploy it with -c cohortSync=true)`);
  const env: NodeJS.ProcessEnv = { ...deps.env };
  env.COHORT_SYNC_SECRET ??= secret;
  // The state prefix defaults to the deployed function's (shared/cohort-sync/config.ts).
  if (env.COHORT_SYNC_STATE_DIR === undefined) env.COHORT_SYNC_STATE_BUCKET ??= bucket;
  return env;
}
