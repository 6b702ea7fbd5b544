import { readFileSync } from 'node:fs';
import pkg from '../../package.json' with { type: 'json' };
import { resolve } from 'node:path';
import { formatSendTestReport } from '../../cli/send-test-report.ts';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { metricsNamespace } from '../../infra/config.ts';
import { BUNDLING } from '../../infra/function-defaults.ts';
import { UNAUTHORIZED_MESSAGE } from '#shared/intake/router';
import { QUEUE_SETTINGS } from '#shared/queue/settings';
import { describeProblem } from '#shared/mapping/template-hygiene';
import { startFakeSecretsManager } from './fake-secrets-manager.ts';
import { harness } from './harness.ts';

// The docs show real output: every `template connector` and `secrets` example is run here and compared.
const root = resolve(import.meta.dirname, '../..');
const setup = readFileSync(resolve(root, 'docs/moengage-setup.md'), 'utf8');
const troubleshooting = readFileSync(resolve(root, 'docs/troubleshooting.md'), 'utf8');
const operations = readFileSync(resolve(root, 'docs/operations.md'), 'utf8');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const deploy = readFileSync(resolve(root, 'docs/deploy.md'), 'utf8');

interface Block {
  lang: string;
  text: string;
}

function blocks(markdown: string): Block[] {
  return [...markdown.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] ?? '', text: m[2] ?? '' }));
}

/** The first `npx moengage-posthog …` command of a sh block, continuation lines joined, split like a shell would. */
function command(block: Block): string[] {
  const line = block.text.replace(/\\\n\s*/g, '').split('\n')[0] ?? '';
  const words = [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  expect(words.slice(0, 2)).toEqual(['npx', 'moengage-posthog']);
  return words.slice(2);
}

/** Each sh block running `prefix` with the block that follows it (its output). */
function examples(markdown: string, prefix: string): Array<{ argv: string[]; output: Block }> {
  const all = blocks(markdown);
  return all.flatMap((b, i) => {
    const next = all[i + 1];
    return b.lang === 'sh' && b.text.startsWith(`npx moengage-posthog ${prefix}`) && next ? [{ argv: command(b), output: next }] : [];
  });
}

describe('docs/moengage-setup.md shows what the commands print', () => {
  const cli = harness();
  afterAll(() => cli.close());
  const templates = examples(setup, 'template connector');

  it('has the three template examples', () => {
    expect(templates.map((t) => t.argv.slice(2, 4))).toEqual([
      ['--event', 'purchase_completed'],
      ['--identify', '--prop'],
      ['--event', 'cart_abandoned'],
    ]);
  });

  it.each(templates.map((t) => [t.argv.join(' '), t] as const))('%s', async (_, { argv, output }) => {
    if (output.lang === 'json') {
      const result = await cli.run([...argv, '--format', 'json']);
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as { body: unknown }).body).toEqual(JSON.parse(output.text));
    } else {
      const result = await cli.run(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(output.text);
    }
  });

  it('shows set-posthog-key and rotate-token output as printed', async () => {
    const keySecret = 'PostHogApiKey4E7B2F1A-Ab12Cd34Ef56';
    const tokensSecret = 'WebhookTokens9C2D5E6F-Gh78Ij90Kl12';
    const sm = await startFakeSecretsManager({ [keySecret]: 'x', [tokensSecret]: 'Q8vXr2LkT0aZbN4mW7yHcJ1sDfG5hK9pUeRt3oIw' });
    const [setKey] = examples(setup, 'secrets set-posthog-key');
    const [rotate] = examples(setup, 'secrets rotate-token');
    const printedToken = /\n {2}(\S{43})\n/.exec(rotate?.output.text ?? '')?.[1] ?? '';
    const aws = harness({
      stacks: { 'MoEngagePostHogForwarder-prod': { PostHogApiKeySecretName: keySecret, WebhookTokensSecretName: tokensSecret } },
      randomBytes: () => Buffer.from(printedToken, 'base64url'),
    });
    const secretsManager = aws.deps.secretsManager;
    aws.deps.secretsManager = (target) => secretsManager({ ...target, endpoint: sm.url });
    try {
      // The blocks show the terminal: data (stdout) and guidance (stderr) as they interleave.
      expect((await aws.run(setKey?.argv ?? [])).code).toBe(0);
      expect(aws.terminal.text).toBe(setKey?.output.text);
      const rotated = await aws.run(rotate?.argv ?? []);
      expect(rotated.code).toBe(0);
      expect(aws.terminal.text).toBe(rotate?.output.text);
      // Only the token is on stdout, as the doc says (TOKEN=$(…) captures it).
      expect(rotated.stdout).toBe(`  ${printedToken}\n`);
      expect(setup).toContain('Only the token goes to stdout');
    } finally {
      aws.close();
      await sm.close();
    }
  });
});

describe('docs/troubleshooting.md shows what send-test prints', () => {
  const output = (after: string): string => {
    const block = blocks(troubleshooting).find((b) => b.text.includes(after));
    return (block?.text ?? '')
      .split('\n')
      .slice(after.startsWith('$') ? 1 : 0)
      .join('\n');
  };

  it('for a 401', () => {
    const text = formatSendTestReport({
      url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/connector',
      maskedToken: 'wr…',
      timeoutMs: 5000,
      mode: 'send',
      // The intake's 401 body (shared/intake/router.ts).
      main: {
        kind: 'response',
        status: 401,
        ms: 36,
        body: { status: 'unauthorized', message: UNAUTHORIZED_MESSAGE },
      },
      dryRun: undefined,
    });
    expect(text).toBe(output('$ npx moengage-posthog send-test --url https://abc123.execute-api.eu-west-1.amazonaws.com --token wrong'));
  });

  it('for a 400', () => {
    const text = formatSendTestReport({
      url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/connector',
      maskedToken: 'x',
      timeoutMs: 5000,
      mode: 'send',
      main: {
        kind: 'response',
        status: 400,
        ms: 37,
        body: {
          status: 'rejected',
          errors: [
            {
              path: 'distinct_id',
              message: `the distinct_id ${describeProblem('unrendered', { identifier: true })}`,
            },
          ],
        },
      },
      dryRun: undefined,
    });
    expect(text.split('\n').slice(2).join('\n')).toBe(output('Verdict: FAIL (HTTP 400'));
  });
});

describe('docs/operations.md states what the stack deploys', () => {
  it('names the metrics namespace with its /<stage> suffix, as the stack sets it', () => {
    expect(metricsNamespace('<stage>')).toBe('MoEngagePostHogForwarder/<stage>');
    expect(operations).toContain(`CloudWatch namespace \`${metricsNamespace('<stage>')}\``);
  });

  it("gives the queue's own visibility timeout", () => {
    expect(operations).toContain(`the queue's default (${QUEUE_SETTINGS.visibilityTimeoutSeconds} s)`);
  });
});

describe('README.md and docs/deploy.md state what the package and the benchmarks hold', () => {
  it('names the TypeScript version package.json pins', () => {
    expect(readme).toContain(`TypeScript is pinned at ${pkg.devDependencies.typescript}`);
  });

  it('leaves bundle sizes to docs/benchmarks.md (one measured place, no second figure to drift)', () => {
    expect(deploy).not.toMatch(/\d+(\.\d+)? ?(MB|kB|KiB) bundle/);
    expect(deploy).toContain('bundle size and init time: docs/benchmarks.md, section 4');
  });

  it('describes the bundle the stack builds (infra/function-defaults.ts BUNDLING)', () => {
    const format = BUNDLING.format === OutputFormat.CJS ? 'CommonJS file' : 'ES module';
    const sources = BUNDLING.sourcesContent ? 'with a source map' : 'with a source map without the sources';
    expect(deploy.replace(/\s+/g, ' ')).toContain(`bundled by esbuild into one minified ${format} ${sources}`);
  });
});
