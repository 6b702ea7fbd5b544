import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSqsClient } from '#shared/platform/sqs-client';
import { readDiscovery, stateDir } from '../local/discovery.ts';
import type { AwsTarget, CliDeps, Output } from './io.ts';

/** The local runner's SQS accepts any credentials (local/sqs-server.ts LOCAL_AWS). */
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** SDK client settings for a target: the default chain in AWS, dummy credentials locally. */
export function clientConfig(target: AwsTarget): { region?: string; endpoint?: string; credentials?: typeof LOCAL.credentials } {
  const config: { region?: string; endpoint?: string; credentials?: typeof LOCAL.credentials } = target.local ? { ...LOCAL } : {};
  if (target.region) config.region = target.region;
  if (target.endpoint) config.endpoint = target.endpoint;
  return config;
}

/** `{OutputKey: OutputValue}` of a DescribeStacks answer (pure). */
export function outputsOf(stack: Pick<Stack, 'Outputs'> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of stack?.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) out[o.OutputKey] = o.OutputValue;
  return out;
}

const output = (stream: NodeJS.WriteStream): Output => ({ write: (text) => stream.write(text), isTTY: stream.isTTY === true });

/** A y/N question on the terminal (stderr), only when both stdin and stderr are one. */
async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The real dependencies: process streams, fetch, the AWS SDK clients (SQS keeps useQueueUrlAsEndpoint false).
 * `dispose` destroys the clients so their keep-alive sockets do not hold the process open.
 */
export function processDeps(): CliDeps & { dispose(): void } {
  const clients: Array<{ destroy(): void }> = [];
  const track = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  return {
    dispose: () => {
      for (const client of clients) client.destroy();
    },
    stdout: output(process.stdout),
    stderr: output(process.stderr),
    env: process.env,
    // The wall clock: `delivery pause` writes it as the pause's start, `delivery status` ages messages with it.
    now: () => Date.now(),
    sleep: async (ms) => {
      await sleep(ms);
    },
    confirm: process.stdin.isTTY && process.stderr.isTTY ? ask : undefined,
    fetch: globalThis.fetch,
    readFile: (path) => readFile(path, 'utf8'),
    readStdin,
    randomBytes,
    localRunner: () => readDiscovery(stateDir(process.env)),
    sqs: (target) => track(createSqsClient(clientConfig(target))),
    secretsManager: (target) => track(new SecretsManagerClient(clientConfig(target))),
    cloudWatch: (target) => track(new CloudWatchClient(clientConfig({ ...target, endpoint: undefined }))),
    logs: (target) => track(new CloudWatchLogsClient(clientConfig(target))),
    stackOutputs: async (stackName, target) => {
      const client = new CloudFormationClient(clientConfig({ ...target, endpoint: undefined }));
      try {
        const result = await client.send(new DescribeStacksCommand({ StackName: stackName }));
        return outputsOf(result.Stacks?.[0]);
      } finally {
        client.destroy();
      }
    },
  };
}
