import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchColdStartSection } from './cold-start-section.ts';
import { benchParsersSection } from './parsers-section.ts';
import type { CostInputs } from './cost.ts';
import { renderCostSection } from './report-cost.ts';
import { type BenchResults, renderReport, targets } from './report.ts';
import { runAll } from './run-all.ts';

/**
 * `npm run bench` (full, rewrites docs/benchmarks.md) and `npm run bench:quick` (tiny sizes, writes under .bench/).
 * Both also write the raw figures as JSON (`--json`), which the CI smoke test reads.
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    json: { type: 'string' },
    work: { type: 'string' },
    render: { type: 'string' },
    'cold-start': { type: 'boolean', default: false },
    parsers: { type: 'boolean', default: false },
  },
});

// `--render results.json`: rewrite the report from saved figures without measuring again.
if (values.render) {
  const saved = JSON.parse(readFileSync(values.render, 'utf8')) as BenchResults & { cost?: CostInputs };
  const target =
    values.out ??
    (saved.quick
      ? `${new URL('..', import.meta.url).pathname}.bench/benchmarks-quick.md`
      : `${new URL('..', import.meta.url).pathname}docs/benchmarks.md`);
  writeFileSync(target, saved.cost ? `${renderReport(saved)}\n${renderCostSection(saved.cost)}` : renderReport(saved));
  process.stdout.write(`rendered ${values.render} → ${target}\n`);
  process.exit(0);
}
const quick = values.quick ?? false;
const ROOT = new URL('..', import.meta.url).pathname;
// `--cold-start`: section 4 alone, rewritten in place (bench/cold-start-section.ts).
if (values['cold-start']) {
  await benchColdStartSection(
    { imports: quick ? 2 : 20, work: values.work ?? `${ROOT}.bench`, out: values.out ?? `${ROOT}docs/benchmarks.md` },
    (line) => process.stdout.write(`${line}\n`),
  );
  process.exit(0);
}
// `--parsers`: section 7 alone, rewritten in place (bench/parsers-section.ts).
if (values.parsers) {
  await benchParsersSection({ quick, out: values.out ?? `${ROOT}docs/benchmarks.md` }, (line) => process.stdout.write(`${line}\n`));
  process.exit(0);
}
// Scratch files and bundles; under the project so the bundles' external AWS SDK resolves from node_modules.
const work = values.work ?? `${ROOT}.bench`;
const out = values.out ?? (quick ? `${work}/benchmarks-quick.md` : `${ROOT}docs/benchmarks.md`);
const json = values.json ?? (quick ? `${work}/results-quick.json` : `${work}/results.json`);
const progress = (line: string) => process.stdout.write(`${line}\n`);

const { results, cost } = await runAll(quick, work, progress);
writeFileSync(json, `${JSON.stringify({ ...results, cost }, null, 2)}\n`);
writeFileSync(out, `${renderReport(results)}\n${renderCostSection(cost)}`);
const t = targets(results);
progress(`done in ${Math.round(results.seconds)} s: ${out} (raw figures: ${json})`);
progress(
  `targets: mapping ${t.mapping ? 'met' : 'missed'}; vs posthog-node ${t.vsPostHogNode.toFixed(2)}×; vs one POST per event ${t.vsPerEvent.toFixed(1)}×; ` +
    `p99 ${t.p99 ? 'met' : 'missed'}; lost ${t.forwarderLoss} + ${t.e2eLoss}; intake size ${t.intakeSize ? 'met' : 'missed'}, init ${t.intakeInit ? 'met' : 'missed'}; forwarder size ${t.forwarderSize ? 'met' : 'missed'}`,
);
