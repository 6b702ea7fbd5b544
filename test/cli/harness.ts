import { readFile } from 'node:fs/promises';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSqsClient } from '#shared/platform/sqs-client';
import { clientConfig } from '../../cli/aws-clients.ts';
import type { CliDeps, Output } from '../../cli/io.ts';
import { run } from '../../cli/main.ts';

const TEST_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

export interface CapturedOutput extends Output {
  text: string;
}

/** What a stream received; `terminal` (when given) also gets every write in order, as a console shows both streams. */
export const captured = (isTTY = false, terminal?: { text: string }): CapturedOutput => {
  const out = {
    text: '',
    isTTY,
    write(text: string) {
      out.text += text;
      if (terminal) terminal.text += text;
    },
  };
  return out;
};

export interface Harness {
  deps: CliDeps;
  stdout: CapturedOutput;
  stderr: CapturedOutput;
  /** stdout and stderr of the last run interleaved, as a terminal shows them. */
  terminal: { text: string };
  /** Runs a command line; returns its exit code with what it printed. */
  run(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): void;
}

/**
 * The CLI's real dependencies pointed at local servers: SQS and Secrets Manager clients with test credentials (no
 * default chain), stack outputs from a table, a counter as clock and a byte counter as randomness.
 */
export function harness(overrides: Partial<CliDeps> & { tty?: boolean; stacks?: Record<string, Record<string, string>> } = {}): Harness {
  const clients: Array<{ destroy(): void }> = [];
  let tick = 0;
  let seed = 0;
  const terminal = { text: '' };
  const stdout = captured(overrides.tty ?? false, terminal);
  const stderr = captured(overrides.tty ?? false, terminal);
  const deps: CliDeps = {
    stdout,
    stderr,
    env: {},
    now: () => {
      tick += 7;
      return tick;
    },
    // Polls of long-running AWS tasks do not wait in tests; no terminal, so destructive commands need --yes.
    sleep: async () => {},
    fetch: globalThis.fetch,
    readFile: (path) => readFile(path, 'utf8'),
    readStdin: async () => '',
    randomBytes: (size) => {
      seed += 1;
      return Buffer.alloc(size, seed);
    },
    sqs: (target) => {
      const client = createSqsClient({ ...clientConfig(target), ...TEST_AWS, ...(target.endpoint ? { endpoint: target.endpoint } : {}) });
      clients.push(client);
      return client;
    },
    secretsManager: (target) => {
      const client = new SecretsManagerClient({ ...TEST_AWS, ...(target.endpoint ? { endpoint: target.endpoint } : {}) });
      clients.push(client);
      return client;
    },
    // No CloudWatch unless a test brings its fake (test/support/fake-cloudwatch.ts).
    cloudWatch: () => ({
      send: async () => {
        throw new Error('no CloudWatch in this test');
      },
    }),
    // No CloudWatch Logs unless a test brings its fake (test/cli/fake-logs-insights.ts).
    logs: () => ({
      send: async () => {
        throw new Error('no CloudWatch Logs in this test');
      },
    }),
    // No local runner unless a test says where one is.
    localRunner: async () => ({ missing: 'none', path: '/nonexistent/local-runner.json' }),
    stackOutputs: async (stack) => {
      const outputs = overrides.stacks?.[stack];
      if (!outputs) throw new Error(`Stack with id ${stack} does not exist`);
      return outputs;
    },
    ...overrides,
  };
  return {
    deps,
    stdout,
    stderr,
    terminal,
    run: async (argv) => {
      stdout.text = '';
      stderr.text = '';
      terminal.text = '';
      const code = await run(argv, deps);
      return { code, stdout: stdout.text, stderr: stderr.text };
    },
    close: () => {
      for (const client of clients) client.destroy();
    },
  };
}
