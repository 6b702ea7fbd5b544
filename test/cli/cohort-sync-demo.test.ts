import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');

// The one documented command, run as a user would: `npm run demo:cohort-sync` (fakes on 127.0.0.1, no account).
describe('npm run demo:cohort-sync', () => {
  it('syncs a cohort into the fake MoEngage: dry run, first sync, a change, an unchanged run', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'demo:cohort-sync'], { cwd: root, timeout: 60_000 });
    expect(stdout).toMatch(/^Cohort sync demo: fake PostHog http:\/\/127\.0\.0\.1:\d+, fake MoEngage http:\/\/127\.0\.0\.1:\d+ /);
    const sections = stdout.split('\n$ cohort-sync ').slice(1);
    expect(sections.map((s) => s.split('\n')[0])).toEqual([
      'run --dry-run    # what would change, nothing sent',
      'run --once    # first sync',
      'run --once    # after PostHog recalculated the cohort',
      'run --once    # nothing changed: skipped',
    ]);
    expect(sections[0]).toContain(
      'summary: would add 960, would remove 0, skipped 40, errors 0\n(exit 0; the fake MoEngage segment holds 0 members)',
    );
    expect(sections[1]).toContain('summary: accepted: added 960, removed 0, skipped 40, errors 0');
    expect(sections[1]).toContain('(exit 0; the fake MoEngage segment holds 960 members)');
    expect(sections[2]).toContain('summary: accepted: added 160, removed 160, skipped 40, errors 0');
    expect(sections[3]).toContain('skipped: unchanged since it was read at');
    expect(stdout).toContain('MoEngage received 3 request(s), PostHog 10.');
    // docs/cohort-sync.md shows this output, ports and times aside.
    const docs = readFileSync(resolve(root, 'docs/cohort-sync.md'), 'utf8');
    const shown = /npm run demo:cohort-sync\n```\n[\s\S]*?```text\n([\s\S]*?)\n```/.exec(docs)?.[1];
    const normalized = stdout.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
    expect(normalized.trimEnd()).toBe(shown);
  }, 60_000);

  it('is the command docs/cohort-sync.md documents', () => {
    const scripts = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['demo:cohort-sync']).toBe('tsx cli/cohort-sync-demo.ts');
  });
});
