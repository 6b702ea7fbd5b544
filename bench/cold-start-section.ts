import { readFileSync, writeFileSync } from 'node:fs';
import { benchColdStart } from './cold-start.ts';
import { load, machineInfo } from './machine.ts';
import { coldStartSection } from './report-cold-start.ts';
import { replaceSection } from './page-section.ts';
import { coldStartTargets } from './results.ts';

const COLD_START_HEADING = '## 4. Cold start';

/** The text between §4's heading and the next section's: what `--cold-start` replaces. */
export function replaceColdStartSection(page: string, section: string): string {
  const start = page.indexOf(COLD_START_HEADING);
  if (start < 0 || page.indexOf('\n## 5. ', start) < 0)
    throw new Error('bench: docs/benchmarks.md has no section 4 followed by section 5 to replace');
  return replaceSection(page, COLD_START_HEADING, section);
}

/**
 * `npx tsx bench/run.ts --cold-start`: measures §4 alone (a minute, not the whole run's several) and rewrites that
 * section of `out` in place, leaving the other sections' figures as their last full run measured them.
 */
export async function benchColdStartSection(options: { imports: number; work: string; out: string }, progress: (line: string) => void) {
  const before = load();
  const coldStart = await benchColdStart({ imports: options.imports, dir: `${options.work}/bundles`, top: 8 }, progress);
  const after = load();
  const section = coldStartSection(coldStart, machineInfo().node, { before, after }).join('\n');
  writeFileSync(options.out, replaceColdStartSection(readFileSync(options.out, 'utf8'), section));
  const t = coldStartTargets(coldStart.rows);
  progress(`load average ${before.toFixed(2)} before, ${after.toFixed(2)} after; section 4 of ${options.out} rewritten`);
  progress(
    `targets: intake size ${t.intakeSize ? 'met' : 'missed'}, init ${t.intakeInit ? 'met' : 'missed'}; forwarder size ${t.forwarderSize ? 'met' : 'missed'}`,
  );
  return coldStart;
}
