import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResultV2, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { LIB_NAME } from '#shared/mapping/library';
import { toSqsRecord } from '#shared/queue/sqs-record';
import { bundleFunction } from '../../bench/cold-start.ts';
import { COLD_START_TARGETS } from '../../bench/results.ts';
import { succeededRecords } from '../../local/poller.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs-server.ts';
import { closeServer, listenOnLoopback } from '../../local/loopback.ts';
import { bearer, httpApiEvent } from '../support/events.ts';
import { type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';
import { absentExtensionPort, type FakeSecretsExtension, startFakeSecretsExtension } from '../support/fake-secrets-extension.ts';
import { type LambdaEnvironment, type Outcome, startLambda } from '../support/lambda-runtime-api.ts';
import { uuidsIn } from '../delivery/harness.ts';

// The deployed artifacts (esbuild with infra/function-defaults.ts' BUNDLING, as NodejsFunction builds them) in a
// directory of their own outside the project, each run by a fresh Node process through the Lambda Runtime API.
const TOKEN = 'artifact-webhook-token';
const API_KEY = 'phc_artifact_project_key';
let dir = '';
const roots = { intake: '', forwarder: '' };
/** What esbuild put in each bundle (its metafile's inputs). */
const inputs: Record<keyof typeof roots, string[]> = { intake: [], forwarder: [] };
let sqs: LocalSqs;
let secrets: FakeSecretsExtension;
let posthog: FakePostHog;
const running: LambdaEnvironment[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'artifact-'));
  for (const name of ['intake', 'forwarder'] as const) {
    const built = await bundleFunction(name, dir);
    roots[name] = dirname(built.outfile);
    inputs[name] = Object.keys(built.metafile.inputs);
  }
  sqs = await startLocalSqs();
  secrets = await startFakeSecretsExtension({ 'posthog-api-key': API_KEY, 'webhook-tokens': JSON.stringify([TOKEN]) });
  posthog = await startFakePostHog();
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map((lambda) => lambda.close()));
  await Promise.all([sqs?.close(), secrets?.close(), posthog?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * What the stack gives each function (infra/pipeline-functions.ts, infra/function-defaults.ts), pointed at 127.0.0.1,
 * and what Lambda adds: the role's credentials with their session token, which the Parameters and Secrets extension
 * (its layer, infra/secrets-extension.ts; here a stand-in on the port the layer's variable names) asks for.
 */
function stackEnv(name: 'intake' | 'forwarder', posthogHost: string): Record<string, string> {
  const common = {
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: name,
    POWERTOOLS_METRICS_NAMESPACE: 'MoEngagePostHogForwarder',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: secrets.token,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: secrets.port,
    POSTHOG_HOST: posthogHost,
    POSTHOG_API_KEY_SECRET: 'posthog-api-key',
    QUEUE_URL: sqs.queueUrl,
  };
  return name === 'intake' ? { ...common, WEBHOOK_TOKENS_SECRET: 'webhook-tokens' } : { ...common, DLQ_URL: sqs.dlqUrl };
}

async function lambda(name: 'intake' | 'forwarder', env: Record<string, string>, timeoutMs: number): Promise<LambdaEnvironment> {
  const started = await startLambda({
    taskRoot: roots[name],
    handler: 'index.handler',
    functionName: `moengage-posthog-${name}`,
    timeoutMs,
    env,
  });
  running.push(started);
  return started;
}

function answer<T>(outcome: Outcome, logs: string): T {
  if (outcome.kind !== 'response') throw new Error(`expected a response, got ${JSON.stringify(outcome)}; function output:\n${logs}`);
  return outcome.payload as T;
}

/** Reads the queue as the SQS event source mapping does, until `count` messages arrived (bounded). */
async function receive(queueUrl: string, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  for (let round = 0; round < 20 && messages.length < count; round++) {
    const { Messages = [] } = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...Messages);
  }
  if (messages.length < count) throw new Error(`only ${messages.length} of ${count} messages arrived on ${queueUrl}`);
  return messages;
}

/** Posts each body to the intake bundle as API Gateway would, expecting 200 and one queued event each; their uuids. */
async function queueThroughIntake(bodies: string[]): Promise<string[]> {
  const intake = await lambda('intake', stackEnv('intake', posthog.url), 6_000);
  const uuids: string[] = [];
  for (const [n, body] of bodies.entries()) {
    const outcome = await intake.invoke(httpApiEvent({ body, headers: bearer(TOKEN), requestId: `req-${n}` }));
    const response = answer<Exclude<APIGatewayProxyResultV2, string>>(outcome, intake.logs());
    expect(response.statusCode).toBe(200);
    const parsed = JSON.parse(String(response.body)) as { status: string; queued: number; events: Array<{ uuid: string }> };
    expect([parsed.status, parsed.queued]).toEqual(['ok', 1]);
    uuids.push(parsed.events[0]?.uuid ?? '');
  }
  return uuids;
}

/** The SQS event the event source mapping would hand the forwarder for the next `count` messages. */
async function sqsEvent(count: number): Promise<{ Records: SQSRecord[] }> {
  const messages = await receive(sqs.queueUrl, count);
  const { Attributes } = await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: sqs.queueUrl, AttributeNames: ['QueueArn'] }));
  return { Records: messages.map((message) => toSqsRecord(message, Attributes?.QueueArn ?? '')) };
}

/** What the event source mapping does with a ReportBatchItemFailures answer: deletes the records not reported. */
async function deleteSucceeded(records: SQSRecord[], response: SQSBatchResponse): Promise<void> {
  const entries = succeededRecords(records, response).map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle }));
  if (entries.length > 0) await sqs.client.send(new DeleteMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: entries }));
}

describe('the deployed bundles, invoked through the Lambda Runtime API', () => {
  it('are alone in their directory: index.cjs and its source map, no node_modules', () => {
    for (const root of Object.values(roots)) expect(readdirSync(root).sort()).toEqual(['index.cjs', 'index.cjs.map']);
  });

  it('stay within their size budgets (issue 15: intake ≤ 300 kB, forwarder ≤ 700 kB; the same build every time)', () => {
    const size = (name: keyof typeof roots) => statSync(join(roots[name], 'index.cjs')).size;
    // A failure prints the size: cut something before adding to the intake (docs/benchmarks.md, section 4).
    expect(size('intake')).toBeLessThanOrEqual(COLD_START_TARGETS.intakeBytes);
    expect(size('forwarder')).toBeLessThanOrEqual(COLD_START_TARGETS.forwarderBytes);
  });

  it("export each handler as a plain, writable property, which OpenTelemetry's Lambda instrumentation wraps in place", () => {
    // What the instrumentation needs (with -c tracing=true): the same check, in a fresh Node, on the loaded bundle.
    const check = `const d = Object.getOwnPropertyDescriptor(require(process.argv[1]), 'handler');
      process.stdout.write(JSON.stringify({ writable: d.writable, configurable: d.configurable, type: typeof d.value }));`;
    for (const name of ['intake', 'forwarder'] as const) {
      const out = execFileSync(process.execPath, ['-e', check, join(roots[name], 'index.cjs')], {
        env: { ...stackEnv(name, posthog.url), PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
      });
      expect([name, JSON.parse(out)]).toEqual([name, { writable: true, configurable: true, type: 'function' }]);
    }
  });

  it('carry zod/mini without classic zod, the event-stream stand-in without the codec, no Secrets Manager client (docs/benchmarks.md, section 4)', () => {
    for (const bundled of Object.values(inputs)) {
      expect(
        bundled.filter((path) =>
          /node_modules\/zod\/v4\/classic\/|@smithy\/core\/dist-es\/submodules\/event-streams\/|@aws-sdk\/client-secrets-manager\/|@aws-lambda-powertools\/parameters\//.test(
            path,
          ),
        ),
      ).toEqual([]);
      expect(bundled).toEqual(expect.arrayContaining(['shared/lib/zod-mini.ts', 'shared/platform/no-event-streams.ts']));
    }
  });

  it('carry events from an HTTP API request through the queue to PostHog, dead-lettering the one PostHog refuses', async () => {
    const bodies = [1, 2, 3].map((n) => JSON.stringify({ event: 'artifact_test', distinct_id: `user-${n}`, properties: { n } }));
    const uuids = await queueThroughIntake(bodies);
    const refused = uuids[1] ?? '';
    // PostHog refuses the whole request when one event is unparseable (docs/architecture.md, "PostHog: Responses").
    posthog.behave((request) => (uuidsIn(request).includes(refused) ? { status: 400, body: `invalid event ${refused}`, store: 0 } : {}));

    const event = await sqsEvent(3);
    const forwarder = await lambda('forwarder', stackEnv('forwarder', posthog.url), 30_000);
    const response = answer<SQSBatchResponse>(await forwarder.invoke(event), forwarder.logs());

    // Delivered for good or dead-lettered: nothing handed back to the queue, so the event source mapping deletes all.
    expect(response).toEqual({ batchItemFailures: [] });
    await deleteSucceeded(event.Records, response);
    const delivered = posthog.events.map((event) => ({
      uuid: event.uuid,
      event: event.event,
      distinct_id: (event.properties as Record<string, unknown>).distinct_id ?? event.distinct_id,
      n: (event.properties as Record<string, unknown>).n,
      lib: (event.properties as Record<string, unknown>).$lib,
    }));
    expect(delivered.sort((a, b) => Number(a.n) - Number(b.n))).toEqual([
      { uuid: uuids[0], event: 'artifact_test', distinct_id: 'user-1', n: 1, lib: LIB_NAME },
      { uuid: uuids[2], event: 'artifact_test', distinct_id: 'user-3', n: 3, lib: LIB_NAME },
    ]);
    expect(posthog.requests.every((request) => request.capture.apiKey === API_KEY)).toBe(true);
    const [dead] = await receive(sqs.dlqUrl, 1);
    expect((JSON.parse(dead?.Body ?? '{}') as { uuid?: string }).uuid).toBe(refused);
  }, 60_000);

  it('hand every record back when the deadline leaves no time to deliver (the context comes from the Runtime API)', async () => {
    await queueThroughIntake([JSON.stringify({ event: 'artifact_test', distinct_id: 'user-late' })]);
    const event = await sqsEvent(1);
    const requestsBefore = posthog.requests.length;
    // 2 s is less than the forwarder's 3 s safety margin: getRemainingTimeInMillis, from Lambda-Runtime-Deadline-Ms, says stop.
    const forwarder = await lambda('forwarder', stackEnv('forwarder', posthog.url), 2_000);
    const response = answer<SQSBatchResponse>(await forwarder.invoke(event), forwarder.logs());
    expect(response).toEqual({ batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) });
    expect(posthog.requests.length).toBe(requestsBefore);
  });

  it('answer 503 secrets_unavailable when no secrets extension listens, logging the question docs/operations.md quotes', async () => {
    const port = await absentExtensionPort();
    const intake = await lambda('intake', { ...stackEnv('intake', posthog.url), PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port }, 6_000);
    const outcome = await intake.invoke(httpApiEvent({ body: '{"event":"e","distinct_id":"u"}', headers: bearer(TOKEN) }));
    const response = answer<Exclude<APIGatewayProxyResultV2, string>>(outcome, intake.logs());
    expect([response.statusCode, JSON.parse(String(response.body)).status]).toEqual([503, 'unavailable']);
    expect(intake.logs()).toMatch(
      /"reason":"secrets_unavailable".*the secrets extension did not answer \(.*\); is its layer on the function\?/,
    );
    expect(readFileSync('docs/operations.md', 'utf8')).toContain('did not answer (…); is its layer on the function?');
  });

  it('fail a cold start with a bad configuration at init, naming the variable', async () => {
    const { POSTHOG_HOST: _omitted, ...env } = stackEnv('intake', posthog.url);
    const intake = await lambda('intake', env, 6_000);
    const outcome = await intake.invoke(httpApiEvent({ method: 'GET', path: '/v1/health' }));
    expect(outcome).toEqual({
      kind: 'init-error',
      errorType: 'ConfigError',
      errorMessage: expect.stringContaining('POSTHOG_HOST is required'),
    });
  });

  it('end an invocation that runs out of time as Lambda does: the process killed, reported as timed out', async () => {
    // A PostHog that takes connections and never answers: ?verify=1 waits on it past the function's deadline.
    const silent = createServer(() => undefined);
    const url = await listenOnLoopback(silent);
    try {
      const intake = await lambda('intake', stackEnv('intake', url), 1_000);
      const body = JSON.stringify({ event: 'artifact_test', distinct_id: 'user-timeout' });
      const outcome = await intake.invoke(httpApiEvent({ body, headers: bearer(TOKEN), query: { verify: '1' } }));
      expect(outcome).toEqual({
        kind: 'timeout',
        errorType: 'Sandbox.Timedout',
        errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/),
      });
      expect(intake.logs()).toMatch(/ Task timed out after 1\.00 seconds\n$/);
    } finally {
      await closeServer(silent);
    }
  });
});
