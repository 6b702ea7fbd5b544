import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { statSync } from 'node:fs';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type Metafile, build } from 'esbuild';
import { type Spread, spread } from './stats.ts';
import { BUNDLING, LAMBDA_ALIASES, NODE_OPTIONS } from '../infra/function-defaults.ts';

const ROOT = new URL('..', import.meta.url).pathname;
export const FUNCTIONS = ['intake', 'forwarder'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** What NodejsFunction passes to esbuild: the very settings infra/function-defaults.ts deploys with. */
export interface BundleSettings {
  format: 'cjs' | 'esm';
  target: string;
  /** Whether the source map embeds the sources. */
  sourcesContent: boolean;
  mainFields: string[];
  /** Modules swapped at bundling (esbuild's alias). */
  alias: Record<string, string>;
  /** Packages left out of the bundle (none: the AWS SDK is bundled too). */
  external: string[];
  /** Code appended to the bundle (the handler as a plain export). */
  footer: string;
  nodeOptions: string;
}

export function readBundleSettings(): BundleSettings {
  return {
    format: BUNDLING.format === OutputFormat.CJS ? 'cjs' : 'esm',
    target: BUNDLING.target,
    sourcesContent: BUNDLING.sourcesContent,
    mainFields: [...BUNDLING.mainFields],
    alias: { ...LAMBDA_ALIASES },
    external: [...BUNDLING.externalModules],
    footer: BUNDLING.footer,
    nodeOptions: NODE_OPTIONS,
  };
}

export interface HeavyModule {
  /** npm package, or `(this project)` for shared/ and functions/. */
  name: string;
  bytes: number;
}

/** `deployed`: infra's settings; `sdk-external`: the same with the AWS SDK left to the Lambda runtime (NodejsFunction's default). */
export type Variant = 'deployed' | 'sdk-external';

export interface ColdStartRow {
  name: FunctionName;
  variant: Variant;
  bundleBytes: number;
  mapBytes: number;
  /** Time to import the bundle in a fresh process with the Lambda's environment (NODE_OPTIONS=--enable-source-maps). */
  initMs: Spread;
  heaviest: HeavyModule[];
}

const packageOf = (input: string): string => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? '(this project)';
};

function heaviestModules(metafile: Metafile, outfile: string, top: number): HeavyModule[] {
  const output = Object.entries(metafile.outputs).find(([path]) => outfile.endsWith(path));
  if (!output) throw new Error(`bench: ${outfile} missing from the esbuild metafile`);
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const name = packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

/** The environment each handler validates at import (dummy values; nothing is called during init). */
export function lambdaEnv(name: FunctionName, nodeOptions: string): NodeJS.ProcessEnv {
  const common = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: `moengage-posthog-${name}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    POWERTOOLS_SERVICE_NAME: name,
    POWERTOOLS_METRICS_NAMESPACE: 'MoEngagePostHogForwarder',
    POSTHOG_HOST: 'us',
    POSTHOG_API_KEY_SECRET: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:posthog-api-key-AbCdEf',
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/moengage-posthog-events',
    NODE_OPTIONS: nodeOptions,
  };
  return name === 'intake'
    ? { ...common, WEBHOOK_TOKENS_SECRET: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook-tokens-AbCdEf' }
    : { ...common, DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/moengage-posthog-events-dlq' };
}

const IMPORT_SCRIPT = `
const t0 = performance.now();
const mod = await import(process.argv[1]);
const t1 = performance.now();
if (typeof mod.handler !== 'function') throw new Error('the bundle exports no handler');
process.stdout.write(JSON.stringify({ importMs: t1 - t0 }));
`;

function timeImport(bundle: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, reject) => {
    const url = pathToFileURL(resolve(bundle)).href;
    const child = spawn(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, url], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`importing ${bundle} failed (exit ${code}):\n${err}`));
      done((JSON.parse(out) as { importMs: number }).importMs);
    });
  });
}

export async function bundleFunction(name: FunctionName, dir: string, settings = readBundleSettings(), variant: Variant = 'deployed') {
  // Lambda's asset holds index.js alone (no package.json: CommonJS); here the bundle sits under this project's
  // "type": "module", so its extension says which module system it is.
  const outfile = `${dir}/${variant}/${name}/index.${settings.format === 'cjs' ? 'cjs' : 'mjs'}`;
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [`functions/${name}/handler.ts`],
    bundle: true,
    platform: 'node',
    format: settings.format,
    target: settings.target,
    minify: true,
    sourcemap: true,
    sourcesContent: settings.sourcesContent,
    outfile,
    external: variant === 'deployed' ? settings.external : ['@aws-sdk/*'],
    mainFields: settings.mainFields,
    footer: { js: settings.footer },
    // sdk-external leaves @aws-sdk/* (the credential chain with it) to the runtime's copy: nothing to swap.
    ...(variant === 'deployed' ? { alias: settings.alias } : {}),
    metafile: true,
    logLevel: 'error',
  });
  return { outfile, metafile: result.metafile };
}

/**
 * Bundles each Lambda as NodejsFunction does, then imports the bundle in `imports` fresh `node` processes.
 * The bundles live under the project (in `dir`), so the external AWS SDK resolves from node_modules as the
 * Lambda runtime's copy would.
 */
export async function benchColdStart(
  options: { imports: number; dir: string; top: number },
  progress: (line: string) => void,
): Promise<{ settings: BundleSettings; rows: ColdStartRow[] }> {
  const settings = readBundleSettings();
  const rows: ColdStartRow[] = [];
  for (const variant of ['deployed', 'sdk-external'] as const) {
    for (const name of FUNCTIONS) {
      const { outfile, metafile } = await bundleFunction(name, options.dir, settings, variant);
      const times: number[] = [];
      for (let i = 0; i < options.imports; i++) times.push(await timeImport(outfile, lambdaEnv(name, settings.nodeOptions)));
      const row: ColdStartRow = {
        name,
        variant,
        bundleBytes: statSync(outfile).size,
        mapBytes: statSync(`${outfile}.map`).size,
        initMs: spread(times),
        heaviest: heaviestModules(metafile, outfile, options.top),
      };
      progress(`  cold start ${name} (${variant}): ${(row.bundleBytes / 1000).toFixed(0)} kB, init ${row.initMs.median.toFixed(0)} ms`);
      rows.push(row);
    }
  }
  return { settings, rows };
}
