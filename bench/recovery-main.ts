import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { load } from './machine.ts';
import { benchRecovery, RECOVERY_FULL, RECOVERY_PROBE_SECONDS } from './recovery.ts';
import { replaceSection } from './page-section.ts';
import { RECOVERY_HEADING, recoverySection } from './report-recovery.ts';

/**
 * `npm run bench:recovery`: §6 of docs/benchmarks.md alone (the same measurement `npm run bench` makes among the
 * others), for when only the delivery path changed. Replaces that section in place (or adds it before the cost
 * section), and saves the figures as .bench/recovery.json.
 */
const ROOT = new URL('..', import.meta.url).pathname;
const progress = (line: string) => process.stdout.write(`${line}\n`);
const startedAt = new Date().toISOString();
const loadBefore = load();
progress(`bench:recovery: ${JSON.stringify(RECOVERY_FULL)}`);
const recovery = await benchRecovery({ ...RECOVERY_FULL, probeSeconds: RECOVERY_PROBE_SECONDS, drainTimeoutMs: 120_000 }, progress);
const section = recoverySection(recovery, { command: 'npm run bench:recovery', startedAt, loadBefore, loadAfter: load() }).join('\n');

mkdirSync(`${ROOT}.bench`, { recursive: true });
writeFileSync(`${ROOT}.bench/recovery.json`, `${JSON.stringify({ startedAt, recovery }, null, 2)}\n`);
const file = `${ROOT}docs/benchmarks.md`;
const page = readFileSync(file, 'utf8');
writeFileSync(file, replaceSection(page, RECOVERY_HEADING, section));
progress(`done: ${file} §6 (raw figures: .bench/recovery.json)`);
