import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Discovered } from '../local/discovery.ts';

/** Where a command writes; `isTTY` decides between a redrawn progress bar and plain lines. */
export interface Output {
  write(text: string): void;
  isTTY: boolean;
}

/** How to reach AWS (or the local runner's SQS): region and endpoint overrides from the command line. */
export interface AwsTarget {
  region?: string | undefined;
  endpoint?: string | undefined;
  /** The local runner: fixed dummy credentials, region us-east-1. */
  local?: boolean;
}

/**
 * Everything a command touches outside itself, injected so tests run against real local servers.
 * Conventions: data on stdout (text, or JSON with --format json), progress and hints on stderr.
 */
export interface CliDeps {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  /** Wall-clock milliseconds since the epoch (Date.now): times written and shown, and durations. */
  now(): number;
  /** Waits between polls of a long-running AWS task. */
  sleep(ms: number): Promise<void>;
  fetch: typeof fetch;
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
  /** Asks a yes/no question on the terminal; absent when the run is not interactive (then --yes is needed). */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
  /** Cryptographically random bytes (new webhook tokens). */
  randomBytes(size: number): Buffer;
  sqs(target: AwsTarget): SQSClient;
  secretsManager(target: AwsTarget): SecretsManagerClient;
  /** CloudWatch (the main queue's ApproximateAgeOfOldestMessage for `delivery status`). */
  cloudWatch(target: AwsTarget): Pick<CloudWatchClient, 'send'>;
  /** CloudWatch Logs (Logs Insights queries of `trace`). */
  logs(target: AwsTarget): Pick<CloudWatchLogsClient, 'send'>;
  /** The local runner (`npm start`) as its discovery file describes it, for --local. */
  localRunner(): Promise<Discovered>;
  /** The outputs of a CloudFormation stack, by output key. */
  stackOutputs(stackName: string, target: AwsTarget): Promise<Record<string, string>>;
}

/** A problem with how the command was called (exit code 2), shown with a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command ran but could not do its job (exit code 1). */
export class CommandError extends Error {
  override name = 'CommandError';
}

/** `--help` or `--version`: the text is the whole answer (stdout, exit code 0). */
export class Answered extends Error {
  override name = 'Answered';
  constructor(readonly text: string) {
    super('answered');
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
