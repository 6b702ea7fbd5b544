import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { load } from './machine.ts';
import { benchParsers, PARSER_GOAL_MS, slowestPerParser } from './parsers.ts';
import { parsersSection, replaceParsersSection } from './report-parsers.ts';
import { benchConfig } from './run-config.ts';

/**
 * `npx tsx bench/run.ts --parsers`: measures §7 alone (a few minutes) and rewrites that section of `out` in place,
 * leaving the other sections' figures as their last full run measured them; saves the figures as
 * .bench/parsers.json. With `--quick`, tiny sizes (a smoke run).
 */
export async function benchParsersSection(options: { quick: boolean; out: string }, progress: (line: string) => void) {
  const config = benchConfig(options.quick).parsers;
  const command = `npx tsx bench/run.ts --parsers${options.quick ? ' --quick' : ''}`;
  const startedAt = new Date().toISOString();
  const loadBefore = load();
  progress(`bench --parsers: ${JSON.stringify(config)}`);
  const parsers = await benchParsers(config, progress);
  const section = parsersSection(parsers, { command, startedAt, loadBefore, loadAfter: load() }).join('\n');
  const root = new URL('..', import.meta.url).pathname;
  mkdirSync(`${root}.bench`, { recursive: true });
  writeFileSync(`${root}.bench/parsers.json`, `${JSON.stringify({ startedAt, parsers }, null, 2)}\n`);
  writeFileSync(options.out, replaceParsersSection(readFileSync(options.out, 'utf8'), section));
  const slowest = slowestPerParser(parsers, parsers.limits[0] ?? 0).sort((a, b) => b.cpuMs.median - a.cpuMs.median)[0];
  progress(`section 7 of ${options.out} rewritten (raw figures: .bench/parsers.json)`);
  if (slowest) {
    const verdict = slowest.cpuMs.median < PARSER_GOAL_MS ? 'met' : 'missed';
    progress(
      `goal < ${PARSER_GOAL_MS} ms: ${verdict} (slowest: ${slowest.parser}, ${slowest.shape}, ${slowest.cpuMs.median.toFixed(1)} ms)`,
    );
  }
  return parsers;
}
