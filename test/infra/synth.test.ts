import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

/** The real CLI (pinned aws-cdk), the real cdk.json and infra/app.ts: what `npx cdk deploy` synthesizes, offline. */
describe('npx cdk synth', () => {
  let outdir = '';
  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'cdk-synth-'));
  });
  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it('synthesizes the stage from cdk.json and -c, bundling the three functions, with cdk-nag passing', async () => {
    const cli = join(ROOT, 'node_modules/.bin/cdk');
    const { stderr } = await run(cli, ['synth', '--quiet', '--no-notices', '-c', 'posthogHost=eu', '-c', 'stage=staging', '-o', outdir], {
      cwd: ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CI: 'true' },
      timeout: 110_000,
    });
    const files = await readdir(outdir);
    expect(files).toContain('MoEngagePostHogForwarder-staging.template.json');
    expect(files.filter((f) => f.startsWith('asset.'))).toHaveLength(3); // intake, forwarder, outage prober
    const template = JSON.parse(await readFile(join(outdir, 'MoEngagePostHogForwarder-staging.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.map((f) => (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables.POSTHOG_HOST)).toEqual([
      'eu',
      'eu',
      'eu',
    ]);
    // cdk.json's stages.staging block applies under the -c values.
    const mapping = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mapping?.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
    const report = JSON.parse(await readFile(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
    expect(report.pluginReports).toEqual([]);
    expect(stderr).not.toMatch(/AwsSolutions-/);
  }, 120_000);
});
