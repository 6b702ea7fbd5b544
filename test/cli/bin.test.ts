import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pkg from '../../package.json' with { type: 'json' };

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

// The package.json bin as npx runs it: a JS shim that loads the TypeScript entry through tsx.
describe('the moengage-posthog bin', () => {
  const bin = resolve(root, pkg.bin['moengage-posthog']);

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
