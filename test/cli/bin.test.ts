import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import lock from '../../package-lock.json' with { type: 'json' };
import pkg from '../../package.json' with { type: 'json' };

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, pkg.bin['moengage-posthog']);

// The package.json bin as npx runs it: a JS shim that loads the TypeScript entry through tsx.
describe('the moengage-posthog bin', () => {
  it('prints the command list with exit code 0', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help'], { cwd: root });
    expect(stdout).toContain('Usage: moengage-posthog <command> [options]');
    expect(stdout).toContain('template connector');
  });

  it('exits with 2 and a message for an unknown command', async () => {
    await expect(run(process.execPath, [bin, 'frobnicate'], { cwd: root })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('moengage-posthog: unknown command "frobnicate"'),
    });
  });
});

/** The npm packages a file and everything it imports (statically or by a literal dynamic import) load at run time. */
async function packagesImportedBy(entry: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const names = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const i of input.imports) {
      if (!i.external || i.path.startsWith('node:') || builtinModules.includes(i.path)) continue;
      const parts = i.path.split('/');
      names.add(i.path.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? ''));
    }
  }
  return names;
}

describe('the bin without devDependencies (npm ci --omit=dev)', () => {
  it('imports only packages listed in dependencies (type-only imports are erased)', async () => {
    const used = await packagesImportedBy(bin);
    expect(used).toContain('tsx'); // the reader sees the shim's import
    expect(used).toContain('@aws-sdk/client-sqs'); // and the CLI's, through the dynamic import of the entry
    expect([...used].filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });

  it('runs from a copy whose node_modules holds only the production packages', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bin-prod-'));
    try {
      for (const folder of ['bin', 'cli', 'shared', 'local']) await cp(join(root, folder), join(dir, folder), { recursive: true });
      await cp(join(root, 'package.json'), join(dir, 'package.json'));
      // What npm ci --omit=dev installs at the top level: every locked package not marked dev.
      const prod = Object.entries(lock.packages as Record<string, { dev?: boolean }>)
        .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !entry.dev)
        .map(([path]) => path);
      expect(prod).toContain('node_modules/tsx');
      expect(prod).not.toContain('node_modules/jest');
      for (const path of prod) {
        await mkdir(join(dir, path, '..'), { recursive: true });
        await symlink(join(root, path), join(dir, path), 'dir');
      }
      const version = await run(process.execPath, [join(dir, pkg.bin['moengage-posthog']), '--version'], { cwd: dir });
      expect(version.stdout).toBe(`moengage-posthog ${pkg.version}\n`);
      const template = await run(process.execPath, [join(dir, pkg.bin['moengage-posthog']), 'template', 'connector', '--event', 'e'], {
        cwd: dir,
      });
      expect(template.stdout).toContain('Body');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
