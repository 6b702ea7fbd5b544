import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { handleIntake } from '#shared/intake/router';
import { accessLine } from '../../local/status-journal.ts';
import { intakeDeps, TOKEN } from '../connector/support/intake-deps.ts';
import { httpApiEvent } from '../support/events.ts';
import { fakeLogsInsights } from './fake-logs-insights.ts';
import { harness } from './harness.ts';
import { deliveredLine, LOG_GROUPS, recordForwarderLines } from './trace-recording.ts';

// docs/operations.md, "Trace one event": the session, the access lines and the log cost are what the code does.
const operations = readFileSync(resolve(import.meta.dirname, '../../docs/operations.md'), 'utf8');
const section = operations.slice(operations.indexOf('## Trace one event'), operations.indexOf('## What a DLQ message holds'));
const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] ?? '', text: m[2] ?? '' }));

describe('docs/operations.md, "Trace one event"', () => {
  it('shows what trace prints in AWS for the documented command (Logs Insights answering from real forwarder lines)', async () => {
    const command = blocks.findIndex((b) => b.lang === 'sh' && b.text.startsWith('npx moengage-posthog trace '));
    const argv = (blocks[command]?.text ?? '').trim().split(/\s+/).slice(2);
    const fake = fakeLogsInsights(await recordForwarderLines(), { logGroups: Object.values(LOG_GROUPS) });
    const cli = harness({
      now: () => Date.parse('2026-11-28T12:00:00.000Z'),
      logs: () => fake.client,
      stacks: { 'MoEngagePostHogForwarder-prod': { IntakeLogGroupName: LOG_GROUPS.intake, ForwarderLogGroupName: LOG_GROUPS.forwarder } },
    });
    const result = await cli.run(argv);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^searching .*…\n$/); // progress on stderr, the trace on stdout
    expect(cli.terminal.text).toBe(blocks[command + 1]?.text);
  });

  it('shows the access lines the local runner prints for a queued and an unauthorized request', async () => {
    const deps = intakeDeps();
    const post = (authorization: string) =>
      handleIntake(
        httpApiEvent({ path: '/v1/connector', method: 'POST', body: '{"event":"e","distinct_id":"u"}', headers: { authorization } }),
        deps,
      );
    await post(`Bearer ${TOKEN}`);
    await post('Bearer wrong');
    const printed = deps.logger.lines.map((l) => accessLine({ message: l.message, ...l.fields }));
    const documented = (blocks.find((b) => b.text.startsWith('[intake]'))?.text ?? '').split('\n').filter((l) => l.startsWith('[intake]'));
    expect(printed).toEqual(documented);
  });

  it('states the bytes the events delivered line adds per event and what they cost', async () => {
    const perEvent = ((await deliveredLine(101)).length - (await deliveredLine(1)).length) / 100;
    const stated = Number(/about (\d+) bytes per event/.exec(section)?.[1]);
    expect(Math.abs(perEvent - stated)).toBeLessThanOrEqual(10);
    const perMillion = ((stated * 1e6) / 1e9) * 0.5;
    expect(section).toContain(`about $${perMillion.toFixed(2)} per million events`);
  });
});
