import { replaceSection } from './page-section.ts';
import { PARSER_GOAL_MS, type ParsersResult, slowestPerParser } from './parsers.ts';
import { yes } from './results.ts';
import { fmt, fmtBytes } from './stats.ts';

/** The section's heading (docs/benchmarks.md §7); `npx tsx bench/run.ts --parsers` replaces the section it starts. */
export const PARSERS_HEADING = '## 7. Hostile bodies: the slowest body per parser at the size limit';

/** `MAX_BODY_BYTES` when unset (docs/deploy.md). */
const DEFAULT_LIMIT = 1024 * 1024;
const cpu = (ms: { median: number; min: number; max: number }) => `${fmt(ms.median, 1)} (${fmt(ms.min, 1)}–${fmt(ms.max, 1)})`;

/** §7: CPU time of the intake on each parser's worst-case body, at the default limit and at the largest one. */
export function parsersSection(
  r: ParsersResult,
  meta: { command: string; startedAt: string; loadBefore: number; loadAfter: number },
): string[] {
  const [limit = 0, ...larger] = r.limits;
  const slowest = slowestPerParser(r, limit);
  const worst = [...slowest].sort((a, b) => b.cpuMs.median - a.cpuMs.median)[0];
  const at = (row: { shape: string }, l: number) => r.rows.find((x) => x.limit === l && x.shape === row.shape);
  const met = slowest.every((row) => row.cpuMs.median < PARSER_GOAL_MS);
  return [
    PARSERS_HEADING,
    '',
    "Issue 19's worst-case bodies (bench/hostile-bodies.ts: the shapes that made the old readers quadratic, and the",
    'ones that load each loop of the current ones), each built as large as the body size limit allows and sent through',
    '`handleIntake` in-process: token check, body reader (JSON, lenient JSON repair, form, multipart), structure and',
    'template checks, mapping and the queue messages, with an in-memory queue and no log output. CPU time',
    `(user + system, \`process.cpuUsage\`) of one request, median of ${r.runs} run(s) after a warm-up, with (min–max).`,
    `Measured ${meta.startedAt} by \`${meta.command}\` (bench/parsers.ts), load average ${fmt(meta.loadBefore, 2)} before and`,
    `${fmt(meta.loadAfter, 2)} after. Linearity itself is held by a test that counts operations at n and 2n bytes`,
    '(test/intake/linear-parsing.test.ts), not by these timings.',
    '',
    `| Parser | Its slowest body | Answer | CPU ms at ${fmtBytes(limit)}${limit === DEFAULT_LIMIT ? ' (default limit)' : ''} |${larger.map((l) => ` CPU ms at ${fmtBytes(l)} |`).join('')}`,
    `|---|---|---:|---:|${larger.map(() => '---:|').join('')}`,
    ...slowest.map(
      (row) =>
        `| ${row.parser} | ${row.shape} | ${row.status} | ${cpu(row.cpuMs)} |${larger.map((l) => ` ${at(row, l) ? cpu((at(row, l) as typeof row).cpuMs) : '—'} |`).join('')}`,
    ),
    '',
    `Goal: any body up to the ${fmtBytes(limit)} limit in under ${PARSER_GOAL_MS} ms of CPU: ${yes(met)}` +
      (worst ? ` (slowest: ${worst.parser}, ${worst.shape}, ${fmt(worst.cpuMs.median, 1)} ms).` : '.'),
    '',
    'Every body measured:',
    '',
    `| Parser | Body | Size | Answer | CPU ms at ${fmtBytes(limit)} |`,
    '|---|---|---:|---:|---:|',
    ...r.rows
      .filter((x) => x.limit === limit)
      .map((x) => `| ${x.parser} | ${x.shape} | ${fmtBytes(x.bytes)} | ${x.status} | ${cpu(x.cpuMs)} |`),
    '',
  ];
}

/** `page` with §7 replaced by `section`, or `section` added before the cost section (or at the end). */
export const replaceParsersSection = (page: string, section: string): string => replaceSection(page, PARSERS_HEADING, section);
