import { fakeLogsInsights, type LogsInsightsFake, type StoredLine } from './fake-logs-insights.ts';
import { type Harness, harness } from './harness.ts';
import { DELIVERED, LOG_GROUPS, REFUSED, recordForwarderLines } from './trace-recording.ts';

// `trace` in AWS: a Logs Insights query over the stack's log groups, answered from the lines the real forwarder wrote.
const STACK = 'MoEngagePostHogForwarder-prod';
const NOW = Date.parse('2026-11-28T12:00:00.000Z');

let lines: StoredLine[];
beforeAll(async () => {
  lines = await recordForwarderLines();
  // A line of the other log group that no trace may pick up.
  lines.push({
    logGroup: LOG_GROUPS.intake,
    timestamp: NOW - 1000,
    message: '{"level":"WARN","message":"intake request","outcome":"rejected"}',
  });
});

function cliWith(
  fake: LogsInsightsFake,
  outputs: Record<string, string> = { IntakeLogGroupName: LOG_GROUPS.intake, ForwarderLogGroupName: LOG_GROUPS.forwarder },
): Harness {
  return harness({ now: () => NOW, logs: () => fake.client, stacks: { [STACK]: outputs } });
}

describe('trace in AWS (CloudWatch Logs Insights)', () => {
  it('shows acceptance, each try with PostHog answer and the delivery, from the stack log groups', async () => {
    const fake = fakeLogsInsights(lines);
    const result = await cliWith(fake).run(['trace', DELIVERED.uuid, '--region', 'eu-west-1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `Event ${DELIVERED.uuid}`,
        '  2026-11-28T10:00:00.120Z  queued         accepted by the intake and queued (time from the queued message; accepted requests are logged at DEBUG only)',
        '  2026-11-28T10:00:01.200Z  retrying       PostHog answered 503 (3 attempts, receive 1); SQS hands it back later',
        '  2026-11-28T10:01:02.400Z  delivered      PostHog answered 200 (1 attempt, receive 2)',
        '  Now: delivered: PostHog accepted it',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe(`searching ${LOG_GROUPS.intake}, ${LOG_GROUPS.forwarder} since 2026-11-27T12:00:00.000Z…\n`);
    expect(fake.starts).toEqual([
      expect.objectContaining({
        logGroupNames: [LOG_GROUPS.intake, LOG_GROUPS.forwarder],
        startTime: NOW / 1000 - 86_400,
        endTime: NOW / 1000,
        limit: 10_000,
      }),
    ]);
    expect(fake.polls).toBe(2); // Running with partial rows, then Complete
  });

  it('finds every event of a person by distinct_id without putting the distinct_id into the query', async () => {
    const fake = fakeLogsInsights(lines);
    const result = await cliWith(fake).run(['trace', 'ana@example.com', '--since', '7d', '--format', 'json']);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as { events: Array<{ uuid: string; matched_by: string; status: string; steps: unknown[] }> };
    expect(answer.events.map((e) => [e.uuid, e.matched_by, e.status])).toEqual([
      [DELIVERED.uuid, 'distinct_id', 'delivered'],
      [REFUSED.uuid, 'distinct_id', 'dead_lettered'],
    ]);
    expect(answer.events[1]?.steps).toEqual([
      expect.objectContaining({ stage: 'queued' }),
      expect.objectContaining({ stage: 'dead_lettered', http_status: 400, attempts: 1, receive: 1 }),
    ]);
    expect(fake.starts[0]?.queryString).not.toContain('ana@example.com');
    expect(fake.starts[0]?.startTime).toBe(NOW / 1000 - 7 * 86_400);
  });

  it('finds an event by its $insert_id and names why it was dead-lettered', async () => {
    const result = await cliWith(fakeLogsInsights(lines)).run(['trace', 'e5f6a7b8']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Event ${REFUSED.uuid} (found by its insert_id)\n`);
    expect(result.stdout).toContain('dead_lettered  rejected: PostHog answered 400: failed to parse request (1 attempt, receive 1)\n');
    expect(result.stdout).toContain('  Now: dead-lettered: see dlq list, fix the cause, then dlq redrive (docs/operations.md)\n');
  });

  it('says when no line mentions the id (exit 1) and when the query fails or the stack lacks the outputs', async () => {
    const none = await cliWith(fakeLogsInsights(lines)).run(['trace', '0193a0b0-7c1e-5000-8000-000000000000', '--since', '6h']);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toContain('no log line mentions it since 2026-11-28T06:00:00.000Z');
    const failed = await cliWith(fakeLogsInsights(lines, { end: 'Failed' })).run(['trace', DELIVERED.uuid]);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('the Logs Insights query q-1 ended with status Failed') });
    const old = await cliWith(fakeLogsInsights(lines), { QueueUrl: 'x' }).run(['trace', DELIVERED.uuid]);
    expect(old).toMatchObject({ code: 1, stderr: expect.stringContaining('has no IntakeLogGroupName or ForwarderLogGroupName output') });
    const given = await cliWith(fakeLogsInsights(lines), { QueueUrl: 'x' }).run([
      'trace',
      DELIVERED.uuid,
      '--log-group',
      LOG_GROUPS.forwarder,
    ]);
    expect(given.code).toBe(0);
  });

  it('refuses wrong usage with exit 2', async () => {
    const cli = cliWith(fakeLogsInsights(lines));
    expect((await cli.run(['trace'])).code).toBe(2);
    expect((await cli.run(['trace', 'a', 'b'])).code).toBe(2);
    expect((await cli.run(['trace', 'a', '--since', 'yesterday'])).stderr).toContain('--since must be like 30m, 6h, 7d');
  });
});
