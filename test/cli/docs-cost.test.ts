import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CostInputs, monthlyCost } from '../../bench/cost.ts';
import { readStackSizing } from '../../bench/scale.ts';

// docs/deploy.md "Cost per million events (measured)": the "Now" rows are what bench/cost.ts computes from the
// figures they state, and those figures are the ones docs/benchmarks.md's cost section was generated from.
const root = resolve(import.meta.dirname, '../..');
const deploy = readFileSync(resolve(root, 'docs/deploy.md'), 'utf8');
const benchmarks = readFileSync(resolve(root, 'docs/benchmarks.md'), 'utf8');
const costSection = benchmarks.slice(benchmarks.indexOf('## Cost per million events'));

const num = (text: string | undefined): number => Number((text ?? '').replace(/,/g, ''));
const cells = (row: string): number[] =>
  row
    .split('|')
    .slice(2, 8)
    .map((cell) => num(/[\d.]+/.exec(cell.replace(/\*\*/g, ''))?.[0]));

const stated =
  /\| Now, API Gateway \([^|]*?: ([\d,]+) µs CPU and ([\d,]+) log bytes per intake request; forwarder ([\d.]+) µs CPU per event, log ([\d,]+) B per invocation \+ ([\d,]+) B per event;[^|]*\)([^\n]*)\n\| Now, behind a function URL[^|]*([^\n]*)/.exec(
    deploy,
  );

describe('docs/deploy.md cost table (the "Now" rows)', () => {
  it('states the measured figures it was computed from', () => {
    expect(stated).not.toBeNull();
  });

  const [, intakeCpu, intakeLog, forwarderCpu, perInvocation, perEvent, apiRow, urlRow] = stated ?? [];
  const sizing = readStackSizing();
  const inputs: CostInputs = {
    intakeCpuMicros: num(intakeCpu),
    streamsIntakeCpuMicros: 0, // connector rows only
    intakeLogBytesPerRequest: num(intakeLog),
    forwarderCpuMicrosPerEvent: num(forwarderCpu),
    forwarderLogBytesPerInvocation: num(perInvocation),
    forwarderLogBytesPerEvent: num(perEvent),
    eventsPerInvocation: sizing.forwarderBatchSize,
    batchingWindowSeconds: sizing.forwarderBatchingWindowSeconds,
    intakeMemoryMb: sizing.intakeMemoryMb,
    forwarderMemoryMb: sizing.forwarderMemoryMb,
  };

  it.each([
    ['apiGateway', () => apiRow],
    ['functionUrl', () => urlRow],
  ] as const)('shows what bench/cost.ts computes at 100 M connector events a month behind %s', (front, row) => {
    const cost = monthlyCost(inputs, 100e6, 'connector', front);
    const perMillion = (usd: number) => usd / 100;
    const { items } = cost;
    const expected = [items.front, items.intake, items.sqs, items.forwarder, items.logs, cost.totalUsd].map(perMillion);
    const shown = cells(`|${row() ?? ''}`);
    expect(shown).toHaveLength(6);
    shown.forEach((value, i) => {
      expect(Math.abs(value - (expected[i] ?? Number.NaN))).toBeLessThanOrEqual(0.01);
    });
  });

  it('prices the two log lines it names as CloudWatch Logs ingestion ($0.50 per GB) of the stated bytes', () => {
    const usdPerMillion = (bytes: number) => ((bytes * 1e6) / 1e9) * 0.5;
    const text = deploy.replace(/\s+/g, ' ');
    expect(text).toContain(`(${intakeLog} bytes, $${usdPerMillion(num(intakeLog)).toFixed(2)} per million events)`);
    expect(text).toContain(`(${perEvent} bytes per event, $${usdPerMillion(num(perEvent)).toFixed(2)} per million;`);
  });

  it("agrees with docs/benchmarks.md's generated cost section (same run, same totals)", () => {
    const measured = costSection.replace(/\s+/g, ' ');
    expect(measured).toContain(`intake CPU ${intakeCpu} µs per connector request`);
    expect(measured).toContain(`${intakeLog} log bytes per intake request`);
    expect(measured).toContain(
      `forwarder CPU ${forwarderCpu} µs per event, log ${num(perInvocation)} bytes per invocation + ${num(perEvent)} per event`,
    );
    const totals = /API Gateway \$([\d.]+) \(target[^)]*\), function URL \$([\d.]+)/.exec(measured);
    expect([num(totals?.[1]), num(totals?.[2])]).toEqual([cells(`|${apiRow ?? ''}`)[5], cells(`|${urlRow ?? ''}`)[5]]);
  });
});
