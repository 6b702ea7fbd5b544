import { ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type AwsTarget, type CliDeps, CommandError, UsageError } from './io.ts';
import { localRunner } from './local-runner.ts';

export const DEFAULT_STACK = 'MoEngagePostHogForwarder-prod';

/** Stack outputs the CLI reads (infra/forwarder-stack.ts). */
export const OUTPUTS = {
  dlq: 'DeadLetterQueueUrl',
  queue: 'QueueUrl',
  posthogKeySecret: 'PostHogApiKeySecretName',
  tokensSecret: 'WebhookTokensSecretName',
} as const;

/** Options shared by every command that reaches AWS or the local runner. */
export const AWS_OPTIONS = {
  stack: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
} as const;
export const TARGET_OPTIONS = { ...AWS_OPTIONS, local: { type: 'boolean' } } as const;

/** The "where" part of a command's help; the local runner has queues but no secrets. */
export function targetHelp(kind: 'queues' | 'secrets'): string {
  const lines = [
    '',
    'Where (AWS: your default credentials chain; names come from the stack outputs)',
    `  --stack <name>       CloudFormation stack (default ${DEFAULT_STACK})`,
    '  --region <region>    AWS region (default: AWS_REGION or your profile)',
  ];
  if (kind === 'queues') {
    lines.push(
      "  --endpoint <url>     another SQS endpoint (the local runner's: http://127.0.0.1:<port>)",
      '  --local              the running local runner (npm start), found through the file it writes in',
      '                       ~/.local/state/moengage-posthog (or --endpoint http://127.0.0.1:<port>)',
    );
  } else {
    lines.push('  --endpoint <url>     another Secrets Manager endpoint (an emulator)');
  }
  lines.push('  -h, --help           this help', "  --version            the CLI's version", '');
  return lines.join('\n');
}

export interface TargetFlags {
  stack?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  local?: boolean | undefined;
}

export function awsTarget(flags: TargetFlags, endpointHint?: string): AwsTarget {
  if (flags.local) {
    const endpoint = flags.endpoint ?? localEndpointFrom(endpointHint);
    if (!endpoint)
      throw new UsageError('--local needs --endpoint http://127.0.0.1:<port> (or a --dlq-url/--queue-url as printed by npm start)');
    return { local: true, endpoint: checkUrl(endpoint, '--endpoint') };
  }
  return { region: flags.region, endpoint: flags.endpoint === undefined ? undefined : checkUrl(flags.endpoint, '--endpoint') };
}

function checkUrl(value: string, flag: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw new UsageError(`${flag} must be an http(s) URL, got "${value}"`);
}

/**
 * The local runner's queue URLs look like `http://sqs.us-east-1.localhost:46383/000000000000/name` (fauxqs): the
 * host does not resolve, but the port is the server's, so the endpoint is 127.0.0.1 on that port.
 */
export function localEndpointFrom(queueUrl: string | undefined): string | undefined {
  if (!queueUrl) return undefined;
  try {
    const url = new URL(queueUrl);
    if (!url.port) return undefined;
    if (url.hostname.endsWith('.localhost') || url.hostname === 'localhost' || url.hostname === '127.0.0.1')
      return `http://127.0.0.1:${url.port}`;
  } catch {
    return undefined;
  }
  return undefined;
}

/** Adds what to do to the AWS SDK's most common configuration errors (pure). */
export function explainAwsError(message: string): string {
  if (/region is missing/i.test(message)) return `${message} (pass --region or set AWS_REGION)`;
  if (/could not load credentials|credential/i.test(message)) {
    return `${message} (configure AWS credentials: aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID)`;
  }
  return message;
}

async function outputsOf(flags: TargetFlags, deps: CliDeps, target: AwsTarget): Promise<Record<string, string>> {
  const stack = flags.stack ?? DEFAULT_STACK;
  try {
    return await deps.stackOutputs(stack, target);
  } catch (error) {
    throw new CommandError(`cannot read the outputs of stack ${stack}: ${explainAwsError((error as Error).message)}`);
  }
}

function requireOutput(outputs: Record<string, string>, key: string, stack: string, flag: string): string {
  const value = outputs[key];
  if (!value) throw new CommandError(`stack ${stack} has no ${key} output; pass ${flag}`);
  return value;
}

export interface QueueTarget {
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  /** The local runner (fauxqs), not AWS. */
  local: boolean;
  /** Where the queues are: region and endpoint (for the local runner, its SQS endpoint). */
  target: AwsTarget;
}

/** Queue URLs from flags, else the local server's queue list (--local) or the stack's outputs (AWS). */
export async function resolveQueues(
  flags: TargetFlags & { 'queue-url'?: string | undefined; 'dlq-url'?: string | undefined },
  deps: CliDeps,
): Promise<QueueTarget> {
  const local = flags.local === true;
  if (local && !flags.endpoint && !localEndpointFrom(flags['dlq-url'] ?? flags['queue-url'])) {
    const runner = await localRunner(deps);
    const target = { local, endpoint: runner.sqsEndpoint };
    const sqs = deps.sqs(target);
    return { sqs, queueUrl: flags['queue-url'] ?? runner.queueUrl, dlqUrl: flags['dlq-url'] ?? runner.dlqUrl, local, target };
  }
  const target = awsTarget(flags, flags['dlq-url'] ?? flags['queue-url']);
  const sqs = deps.sqs(target);
  let queueUrl = flags['queue-url'];
  let dlqUrl = flags['dlq-url'];
  if (queueUrl && dlqUrl) return { sqs, queueUrl, dlqUrl, local, target };
  if (local) {
    const found = await localQueues(sqs);
    return { sqs, queueUrl: queueUrl ?? found.queueUrl, dlqUrl: dlqUrl ?? found.dlqUrl, local, target };
  }
  const stack = flags.stack ?? DEFAULT_STACK;
  const outputs = await outputsOf(flags, deps, target);
  dlqUrl ??= requireOutput(outputs, OUTPUTS.dlq, stack, '--dlq-url');
  queueUrl ??= requireOutput(outputs, OUTPUTS.queue, stack, '--queue-url');
  return { sqs, queueUrl, dlqUrl, local, target };
}

/** The local runner has one queue and its `-dlq` (local/sqs-server.ts). */
async function localQueues(sqs: SQSClient): Promise<{ queueUrl: string; dlqUrl: string }> {
  let urls: string[];
  try {
    urls = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
  } catch (error) {
    throw new CommandError(`cannot list the local runner's queues (is npm start running?): ${(error as Error).message}`);
  }
  const dlqUrl = urls.find((u) => u.endsWith('-dlq'));
  const queueUrl = dlqUrl && urls.find((u) => u === dlqUrl.slice(0, -'-dlq'.length));
  if (!dlqUrl || !queueUrl)
    throw new CommandError(`no queue with a -dlq partner at the local endpoint (found: ${urls.join(', ') || 'none'})`);
  return { queueUrl, dlqUrl };
}

/** A secret name from its flag, else from the stack's output. */
export async function resolveSecretName(
  flags: TargetFlags,
  explicit: string | undefined,
  output: string,
  flag: string,
  deps: CliDeps,
): Promise<{ name: string; target: AwsTarget }> {
  const target = awsTarget(flags);
  if (explicit) return { name: explicit, target };
  const outputs = await outputsOf(flags, deps, target);
  return { name: requireOutput(outputs, output, flags.stack ?? DEFAULT_STACK, flag), target };
}
