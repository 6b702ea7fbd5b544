import { type LocalStack, startLocalStack } from '../../local/runner.ts';
import { type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';
import { type Harness, harness } from './harness.ts';

// `trace --local` and the local status against the real runner: HTTP adapter → intake → fauxqs → poller →
// forwarder → a capture-compatible server that refuses one event (400) and accepts the others.
const TOKEN = 'trace-local-token-0123456789';
const POISON = 'poison_event';

describe('trace --local against the local runner', () => {
  let posthog: FakePostHog;
  let stack: LocalStack;
  let cli: Harness;
  const printed: string[] = [];

  beforeAll(async () => {
    posthog = await startFakePostHog((request) =>
      request.capture.events.some((e) => e.event === POISON)
        ? { status: 400, body: '{"type":"validation_error","detail":"invalid event"}' }
        : {},
    );
    stack = await startLocalStack({
      env: { POSTHOG_HOST: posthog.url, POSTHOG_API_KEY: 'phc_trace_local', WEBHOOK_TOKEN: TOKEN },
      print: (line) => printed.push(line),
    });
    const found = {
      pid: process.pid,
      url: stack.url,
      token: TOKEN,
      sqsEndpoint: stack.sqs.endpoint,
      queueUrl: stack.sqs.queueUrl,
      dlqUrl: stack.sqs.dlqUrl,
      startedAt: '',
    };
    cli = harness({ localRunner: async () => ({ found, tokenDropped: false }) });
  });
  afterAll(async () => {
    cli?.close();
    await stack?.stop();
    await posthog?.close();
  });

  const send = async (event: string, distinctId: string, insertId: string): Promise<string> => {
    const response = await fetch(`${stack.url}/v1/connector`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event, distinct_id: distinctId, properties: { $insert_id: insertId, plan: 'secret-plan-value' } }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { events: Array<{ uuid: string }> }).events[0]?.uuid ?? '';
  };

  /** Polls the CLI until the event's last step is `stage` (bounded; fails naming what never arrived). */
  const until = async (argv: string[], stage: string) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const result = await cli.run([...argv, '--format', 'json']);
      const events = result.code === 0 ? (JSON.parse(result.stdout) as { events: Array<{ status: string }> }).events : [];
      if (events.some((e) => e.status === stage)) return events;
      if (Date.now() > deadline) throw new Error(`${argv.join(' ')} never reached ${stage}: ${result.stdout}${result.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('shows an event from acceptance to delivery, found by uuid, $insert_id or distinct_id', async () => {
    const uuid = await send('purchase_completed', 'trace-user@example.com', 'ins-0001');
    await until(['trace', '--local', uuid], 'delivered');
    const text = await cli.run(['trace', '--local', uuid]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`^Event ${uuid}\\n  \\S+Z  queued +accepted by the intake \\(POST /v1/connector, request [\\w-]+\\) and queued\\n`),
    );
    expect(text.stdout).toMatch(
      /\n {2}\S+Z {2}delivered +PostHog answered 200 \(1 attempt, receive 1\)\n {2}Now: delivered: PostHog accepted it\n$/,
    );
    const byInsertId = await cli.run(['trace', '--local', 'ins-0001', '--format', 'json']);
    expect(JSON.parse(byInsertId.stdout)).toMatchObject({
      id: 'ins-0001',
      events: [{ uuid, matched_by: 'insert_id', insert_id: 'ins-0001', status: 'delivered' }],
    });
    const byPerson = await cli.run(['trace', '--local', 'trace-user@example.com', '--format', 'json']);
    expect(JSON.parse(byPerson.stdout)).toMatchObject({ events: [{ uuid, matched_by: 'distinct_id', status: 'delivered' }] });
  });

  it('shows a refused event as dead-lettered with PostHog answer, and counts it in the status view', async () => {
    const uuid = await send(POISON, 'trace-user-2', 'ins-0002');
    const [event] = await until(['trace', '--local', uuid], 'dead_lettered');
    expect(event).toMatchObject({
      steps: [
        { stage: 'queued' },
        {
          stage: 'dead_lettered',
          http_status: 400,
          attempts: 1,
          detail: expect.stringMatching(/^rejected: PostHog answered 400: .*\(1 attempt, receive 1\)$/),
        },
      ],
    });
    const status = await cli.run(['trace', '--local', '--format', 'json']);
    expect(JSON.parse(status.stdout)).toMatchObject({
      requests: { queued: 2 },
      events: { total: 2, delivered: 1, dead_lettered: 1, queued: 0 },
    });
    const view = await cli.run(['trace', '--local']);
    expect(view.stdout).toContain('Events:   2 received: 0 queued, 1 delivered, 0 retrying, 1 dead-lettered, 0 not queued\n');
    expect(view.stdout).toContain(`${uuid}  dead_lettered  rejected: PostHog answered 400`);
  });

  it('prints one access line per request and the sink-free console never shows values or the token', async () => {
    await fetch(`${stack.url}/v1/connector`, { method: 'POST', headers: { authorization: 'Bearer wrong' }, body: '{}' });
    const access = printed.filter((line) => line.startsWith('[intake]'));
    expect(access).toEqual(
      [
        'POST /v1/connector 200 queued events=1',
        'POST /v1/connector 200 queued events=1',
        'POST /v1/connector 401 rejected reason=unauthorized',
      ].map((line) => `[intake] ${line}`),
    );
    const all = printed.join('\n');
    for (const secret of [TOKEN, 'trace-user@example.com', 'secret-plan-value', 'phc_trace_local']) expect(all).not.toContain(secret);
  });

  it('the status routes need the token', async () => {
    for (const path of ['/local/status', '/local/trace?id=x']) {
      expect((await fetch(`${stack.url}${path}`)).status).toBe(401);
      expect((await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    }
    const missing = await fetch(`${stack.url}/local/trace`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(missing.status).toBe(400);
  });
});
