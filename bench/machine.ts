import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  commit: string;
  packages: Record<string, string>;
}

const PACKAGES = [
  'zod',
  'posthog-node',
  '@posthog/core',
  '@aws-sdk/client-sqs',
  '@aws-lambda-powertools/batch',
  'fauxqs',
  'autocannon',
  'esbuild',
  'tsx',
];

const ROOT = new URL('..', import.meta.url);

function version(name: string): string {
  try {
    return (JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, ROOT), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function machineInfo(): MachineInfo {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim();
    if (dirty) commit += ' (with uncommitted changes)';
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: totalmem() / 1024 ** 3,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    commit,
    packages: Object.fromEntries(PACKAGES.map((p) => [p, version(p)])),
  };
}

/** 1-minute load average: other work on the machine skews every wall-clock figure, so the report shows it. */
export const load = (): number => loadavg()[0] ?? 0;
