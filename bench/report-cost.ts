import { COST_TARGETS, type CostInputs, type CostRow, costTable, type Front } from './cost.ts';

const usd = (value: number): string => `$${value < 10 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US')}`;
const volume = (events: number): string => (events >= 1e9 ? `${events / 1e9} B` : `${events / 1e6} M`);
const FRONT_LABEL: Record<Front, string> = { apiGateway: 'API Gateway', functionUrl: 'function URL' };

/** The markdown table of docs/benchmarks.md and docs/deploy.md. */
export function renderCostTable(rows: readonly CostRow[]): string {
  const lines = [
    '| Events/month | Source | Front | Front $ | Intake $ | SQS $ | Forwarder $ | Logs $ | Total $/month | $ per million | AWS floor $/M |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    const i = r.items;
    lines.push(
      `| ${volume(r.eventsPerMonth)} | ${r.source} | ${FRONT_LABEL[r.front]} | ${usd(i.front)} | ${usd(i.intake)} | ${usd(i.sqs)} | ` +
        `${usd(i.forwarder)} | ${usd(i.logs)} | ${usd(r.totalUsd)} | ${r.perMillionUsd.toFixed(2)} | ${r.floorPerMillionUsd.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

/** The "Cost per million events" section of docs/benchmarks.md. */
export function renderCostSection(inputs: CostInputs): string {
  const rows = costTable(inputs);
  const at100M = (front: Front) => rows.find((r) => r.eventsPerMonth === 100e6 && r.source === 'connector' && r.front === front);
  const target = (front: Front) => {
    const row = at100M(front);
    return row
      ? `${row.perMillionUsd.toFixed(2)} (target ≤ ${COST_TARGETS[front].toFixed(2)}: ${row.perMillionUsd <= COST_TARGETS[front] ? 'met' : 'missed'})`
      : '';
  };
  return [
    '## Cost per million events',
    '',
    'Computed by bench/cost.ts from the figures above, with AWS list prices for us-east-1 (free tiers and fixed monthly',
    'items — secrets, alarms, dashboard, KMS key — left out; a function URL costs nothing beyond the function).',
    `Measured: intake CPU ${Math.round(inputs.intakeCpuMicros)} µs per connector request (a Streams request of 100 events,`,
    `derived: ${Math.round(inputs.streamsIntakeCpuMicros)} µs), ${Math.round(inputs.intakeLogBytesPerRequest)} log bytes per intake request at the default level,`,
    `forwarder CPU ${inputs.forwarderCpuMicrosPerEvent.toFixed(1)} µs per event, log ${Math.round(inputs.forwarderLogBytesPerInvocation)} bytes per invocation + ${Math.round(inputs.forwarderLogBytesPerEvent)} per event, invocations of at most`,
    `${inputs.eventsPerInvocation} events${inputs.batchingWindowSeconds === undefined ? '' : ` or what one ${inputs.batchingWindowSeconds} s batching window gathers at the workload's average rate, if fewer`}. Assumed (bench/scale.ts):`,
    '10 ms SQS round trip per intake request, 150 ms PostHog answer per batch, a Lambda core as fast as one here.',
    `At 100 M connector events a month, per million: API Gateway $${target('apiGateway')}, function URL $${target('functionUrl')}.`,
    '',
    renderCostTable(rows),
    '',
  ].join('\n');
}
