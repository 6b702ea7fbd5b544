import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type Config, loadConfig } from '#shared/platform/config';
import { SETTINGS, type SettingKey } from '../../infra/settings.ts';
import { LOCAL_FIXED_SETTINGS } from '../../local/runner.ts';
import { renderSettingsTable } from '../../infra/settings-table.ts';
import { buildStack, logicalId } from './stack-fixture.ts';

const ROOT = join(import.meta.dirname, '../..');
const deploy = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');

/** Each function setting: a value other than its default as `-c` gives it, and where the function's config holds it. */
const ROUND_TRIP: Record<string, [context: string, read: (config: Config) => unknown, expected: unknown]> = {
  maxBodyBytes: ['2048', (c) => c.maxBodyBytes, 2048],
  strictMode: ['true', (c) => c.strict, true],
  personlessEvents: ['Email Sent, MOE_SMS_SENT', (c) => [...c.personlessEvents], ['Email Sent', 'MOE_SMS_SENT']],
  streamsEventName: ['event_code', (c) => c.streams.eventName, 'event_code'],
  streamsIncludeChannelAddresses: ['1', (c) => c.streams.includeChannelAddresses, true],
  streamsUserAttributes: ['none', (c) => c.streams.userAttributes, 'none'],
  streamsMoengageUserIdPersons: ['true', (c) => c.streams.internalIdPersons, true],
  posthogTimeoutMs: ['5000', (c) => c.posthogTimeoutMs, 5000],
  secretsMaxAgeSeconds: ['5', (c) => c.secretsMaxAgeSeconds, 5],
  maxReceiveCount: ['12', (c) => c.maxReceiveCount, 12],
  retryBaseSeconds: ['30', (c) => c.outage.retryBaseSeconds, 30],
  retryMaxSeconds: ['600', (c) => c.outage.retryMaxSeconds, 600],
  outageProbeSeconds: ['120', (c) => c.outage.probeSeconds, 120],
};

const FUNCTION_KEYS = (Object.keys(SETTINGS) as SettingKey[]).filter((key) => SETTINGS[key].env !== undefined);

/** The environment CloudFormation would give a function, with references (queue URLs, secret ARNs) as stand-in text. */
function deployedEnvironment(template: Template, fn: IConstruct): NodeJS.ProcessEnv {
  const resource = template.toJSON().Resources[logicalId(fn)] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
  return Object.fromEntries(
    Object.entries(resource.Properties.Environment.Variables).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? value
        : name.endsWith('_URL')
          ? `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`
          : `ref-${name}`,
    ]),
  );
}

function functionsOf(context: Record<string, unknown>) {
  const { stack } = buildStack(context);
  const template = Template.fromStack(stack);
  const find = (...path: string[]) => path.reduce<IConstruct>((node, id) => node.node.findChild(id), stack);
  return {
    intake: deployedEnvironment(template, find('Intake', 'Function')),
    forwarder: deployedEnvironment(template, find('Forwarder', 'Function')),
    prober: deployedEnvironment(template, find('OutageProber', 'Function', 'Function')),
  };
}

describe('deploy-time settings: context → template → environment → the function’s config', () => {
  it('has a round-trip case for every function setting', () => {
    expect(Object.keys(ROUND_TRIP).sort()).toEqual([...FUNCTION_KEYS].sort());
  });

  const context = Object.fromEntries(Object.entries(ROUND_TRIP).map(([key, [value]]) => [key, value]));
  const deployed = functionsOf(context);

  it.each(Object.entries(ROUND_TRIP))('%s reaches the functions that read it, as they read it', (key, [, read, expected]) => {
    const { env } = SETTINGS[key as SettingKey];
    const groups = env?.functions ?? [];
    const targets = [...(groups.includes('intake') ? ['intake'] : []), ...(groups.includes('delivery') ? ['forwarder', 'prober'] : [])];
    for (const name of ['intake', 'forwarder', 'prober'] as const) {
      // The functions that do not read the setting keep their own value (the intake's POSTHOG_TIMEOUT_MS is its own).
      const value = read(loadConfig(deployed[name]));
      if (targets.includes(name)) expect({ name, value }).toEqual({ name, value: expected });
      else expect({ name, value }).not.toEqual({ name, value: expected });
    }
  });

  it('gives the functions, by default, exactly the values they would take on their own', () => {
    const defaults = functionsOf({});
    const bare = (env: NodeJS.ProcessEnv) =>
      Object.fromEntries(Object.entries(env).filter(([name]) => !FUNCTION_KEYS.some((key) => SETTINGS[key].env?.name === name)));
    for (const name of ['intake', 'forwarder', 'prober'] as const) {
      const env = defaults[name];
      // The intake's own POSTHOG_TIMEOUT_MS (?verify=1) is sizing, not a setting; compare the rest.
      const own = loadConfig({ ...bare(env), POSTHOG_TIMEOUT_MS: env.POSTHOG_TIMEOUT_MS });
      expect({ name, config: loadConfig(env) }).toEqual({ name, config: own });
    }
  });
});

describe('docs/deploy.md, "Settings (CDK context)"', () => {
  it('lists every setting in one table, as infra/settings.ts renders it', () => {
    const block = /<!-- settings:start -->\n([\s\S]*?)\n<!-- settings:end -->/.exec(deploy)?.[1];
    expect(block).toBe(renderSettingsTable());
    expect(deploy.match(/<!-- settings:start -->/g)).toHaveLength(1);
  });

  it('names the function settings `npm start` does not take, as the local runner leaves them out', () => {
    expect(LOCAL_FIXED_SETTINGS).toHaveLength(2);
    expect(deploy.replace(/\s+/g, ' ')).toContain(`except ${LOCAL_FIXED_SETTINGS.map((name) => `\`${name}\``).join(' and ')}:`);
  });

  it('shows the one line `cdk synth` prints for a bad value, as the real CLI prints it', async () => {
    const shown = /```sh\nnpx cdk synth -c maxConcurrency=1\n```\n\n```text\n([\s\S]*?)```/.exec(deploy)?.[1];
    const cli = join(ROOT, 'node_modules/.bin/cdk');
    const failure = await promisify(execFile)(
      cli,
      ['synth', '--quiet', '--no-notices', '-c', 'maxConcurrency=1', '-o', join(tmpdir(), 'cdk-settings-test')],
      {
        cwd: ROOT,
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CI: 'true' },
        timeout: 60_000,
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(failure).toEqual({ code: 1, stderr: shown });
  }, 70_000);
});
