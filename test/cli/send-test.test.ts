import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendTest } from '../../cli/send-test.ts';
import { formatSendTestReport, hintFor } from '../../cli/send-test-report.ts';
import { type LocalStack, startLocalStack } from '../../local/runner.ts';
import { type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';
import { type Harness, harness } from './harness.ts';
import { closeServer, listenOnLoopback } from '../../local/loopback.ts';

/** A stand-in intake that answers every request as told, to pin down how send-test reads each answer. */
async function startFakeIntake(answer: (url: string) => { status: number; body: unknown } | 'hang') {
  const seen: Array<{ url: string; headers: Record<string, unknown>; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answer(req.url ?? '');
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
    });
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    seen,
    close: () => closeServer(server),
  };
}

describe('send-test against the local runner', () => {
  let posthog: FakePostHog;
  let stack: LocalStack;
  let cli: Harness;
  let dir: string;
  const token = 'send-test-token-0123456789';

  beforeAll(async () => {
    posthog = await startFakePostHog();
    stack = await startLocalStack({
      env: { POSTHOG_HOST: posthog.url, POSTHOG_API_KEY: 'phc_send_test_key', WEBHOOK_TOKEN: token },
      print: () => {},
    });
    cli = harness();
    dir = await mkdtemp(join(tmpdir(), 'send-test-'));
  });
  afterAll(async () => {
    cli.close();
    await stack?.stop();
    await posthog?.close();
  });

  it('passes like the Test button, queues the event for PostHog and shows the mapped event', async () => {
    const result = await cli.run(['send-test', '--url', stack.url, '--token', token]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `POST ${stack.url}/v1/connector\n  Authorization: Bearer send-t…6789   Content-Type: application/json   timeout 5 s\n`,
    );
    expect(result.stdout).toMatch(/Verdict: PASS \(HTTP 200 in \d+ ms\): MoEngage's Test button would show success\./);
    expect(result.stdout).toMatch(
      /Queued 1 event\(s\) for PostHog:\n {2}moengage_posthog_test {2}distinct_id=moengage-posthog-send-test {2}uuid=[0-9a-f-]{36}\n/,
    );
    expect(result.stdout).toContain('PostHog events (dry run: 1, exactly as the forwarder sends them');
    expect(result.stdout).toContain('"amount": 19.99');
    const [delivered] = await posthog.waitForEvents(1);
    expect(delivered).toMatchObject({
      event: 'moengage_posthog_test',
      distinct_id: 'moengage-posthog-send-test',
      properties: { amount: 19.99 },
    });
  });

  it('fails with 401 and a fix for a wrong token', async () => {
    const result = await cli.run(['send-test', '--url', `${stack.url}/v1/connector`, '--token', 'wrong-token']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Verdict: FAIL \(HTTP 401 in \d+ ms\): MoEngage would mark the request Failed\./);
    expect(result.stdout).toContain('  unauthorized: missing or wrong token: send Authorization: Bearer <token>');
    expect(result.stderr).toBe(`${hintFor({ kind: 'response', status: 401, ms: 0, body: {} }, 5000)}\n`);
    expect(result.stdout).not.toContain('Fix:');
    expect(result.stdout).not.toContain('PostHog events');
  });

  it('fails with 400 naming the field for a body with an unrendered template, read from --file', async () => {
    const file = join(dir, 'body.json');
    await writeFile(file, JSON.stringify({ event: 'purchase', distinct_id: "{{UserAttribute['ID']}}" }));
    const result = await cli.run(['send-test', '--url', stack.url, '--token', token, '--file', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Errors:\n  - distinct_id: the distinct_id contains an unrendered MoEngage template');
    expect(result.stderr).toContain('Fix: change the body as the errors above say');
  });

  it('only maps with --dry-run and lists the warnings', async () => {
    cli.deps.readStdin = async () => JSON.stringify({ event: 'signup', distinct_id: 'u-1', properties: { plan: 'None', seats: '3' } });
    const result = await cli.run(['send-test', '--url', stack.url, '--token', token, '--dry-run', '--file', '-']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`POST ${stack.url}/v1/connector?dry_run=1\n`);
    expect(result.stdout).not.toContain('Queued');
    expect(result.stdout).toContain('Warnings (the event was still accepted):\n  - properties.plan: dropped: the value is empty');
    expect(result.stdout).toContain('PostHog events (dry run: 1, exactly as the forwarder sends them):');
    expect(result.stdout).toContain('"seats": 3');
  });

  it('with --verify reports a PostHog check (synchronous on current intakes, "not done" on older ones)', async () => {
    const result = await cli.run(['send-test', '--url', stack.url, '--token', token, '--verify']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`POST ${stack.url}/v1/connector?verify=1\n`);
    expect(result.stdout).toMatch(/\nPostHog check: (accepted|not done)/);
  });

  it.each([
    [['send-test', '--token', 't'], '--url is required'],
    [['send-test', '--url', 'http://127.0.0.1:1'], '--token is required'],
    [['send-test', '--url', 'x', '--token', 't'], '--url must be an http(s) URL'],
    [['send-test', '--url', 'http://127.0.0.1:1', '--token', 't', '--verify', '--dry-run'], 'either --verify or --dry-run'],
    [
      ['send-test', '--url', 'http://127.0.0.1:1', '--token', 't', '--file', '/nonexistent/body.json'],
      'cannot read --file /nonexistent/body.json',
    ],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const result = await cli.run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('send-test reading each kind of answer', () => {
  const cli = harness({ env: { MOENGAGE_POSTHOG_TOKEN: 'env-token-abcdefgh' } });
  afterAll(() => cli.close());

  it.each([
    [
      'PostHog accepted and knew the key',
      { status: 200, body: { status: 'verified', delivered: 1, key_check: 'valid', events: [], warnings: [] } },
      0,
      'PostHog check: accepted; the project key was accepted too.',
    ],
    [
      'the local capture sink accepted',
      { status: 200, body: { status: 'verified', delivered: 1, key_check: 'local_sink', events: [], warnings: [] } },
      0,
      'PostHog check: accepted; it went to the local capture sink, so no PostHog project key was checked.',
    ],
    [
      'a PostHog without a flags endpoint accepted',
      { status: 200, body: { status: 'verified', delivered: 1, key_check: 'no_flags_endpoint', events: [], warnings: [] } },
      0,
      'PostHog check: accepted; the project key was NOT checked (this PostHog has no flags endpoint; an older self-hosted version?).',
    ],
    [
      "PostHog refused the key (the intake's 502 at the key check)",
      {
        status: 502,
        body: {
          status: 'verify_failed',
          stage: 'key_check',
          posthog_status: 401,
          posthog_message: 'The provided API key is invalid or has expired.',
          message:
            'PostHog at https://eu.i.posthog.com refused the project API key configured in the forwarder (POSTHOG_API_KEY): nothing was sent.',
          warnings: [],
        },
      },
      1,
      'PostHog check: project key refused (HTTP 401): PostHog at https://eu.i.posthog.com refused the project API key configured in the forwarder (POSTHOG_API_KEY): nothing was sent.',
    ],
    [
      'PostHog could not be reached for the capture',
      {
        status: 502,
        body: {
          status: 'verify_failed',
          stage: 'capture',
          posthog_status: null,
          posthog_message: 'timeout',
          message: 'PostHog at x did not accept the events: timeout.',
        },
      },
      1,
      'PostHog check: event not accepted (no answer): PostHog at x did not accept the events: timeout.',
    ],
    [
      'an older intake without verify',
      { status: 200, body: { status: 'ok', queued: 1, events: [], warnings: [] } },
      0,
      'PostHog check: not done. This intake does not support ?verify=1 (an older version): the event was queued as usual.',
    ],
  ])('--verify when %s', async (_, answer, code, line) => {
    const intake = await startFakeIntake((url) =>
      url.includes('dry_run') ? { status: 200, body: { status: 'dry_run', events: [], warnings: [] } } : answer,
    );
    try {
      const result = await cli.run(['send-test', '--url', intake.url, '--verify']);
      expect(result.code).toBe(code);
      expect(result.stdout).toContain(`\n${line}\n`);
      expect(intake.seen[0]).toMatchObject({
        url: '/v1/connector?verify=1',
        headers: { authorization: 'Bearer env-token-abcdefgh', 'content-type': 'application/json' },
      });
    } finally {
      await intake.close();
    }
  });

  it('fails on 202 because MoEngage only counts 200', async () => {
    const intake = await startFakeIntake(() => ({ status: 202, body: { status: 'accepted' } }));
    try {
      const result = await cli.run(['send-test', '--url', intake.url]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/Verdict: FAIL \(HTTP 202 in \d+ ms\)/);
    } finally {
      await intake.close();
    }
  });

  it('fails when no answer comes within the timeout', async () => {
    const intake = await startFakeIntake(() => 'hang');
    try {
      const report = await sendTest({ url: intake.url, token: 't', body: '{}', mode: 'send', timeoutMs: 150 }, cli.deps);
      expect(report.main.kind).toBe('timeout');
      expect(formatSendTestReport(report)).toContain(
        'Verdict: FAIL (no answer within 0.15 s): MoEngage would mark the request Failed.\nFix: no answer within 0.15 s.',
      );
    } finally {
      await intake.close();
    }
  });

  it('fails when nothing listens at the URL', async () => {
    const intake = await startFakeIntake(() => ({ status: 200, body: {} }));
    await intake.close();
    const result = await cli.run(['send-test', '--url', intake.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Verdict: FAIL (no connection: ECONNREFUSED)');
  });
});
