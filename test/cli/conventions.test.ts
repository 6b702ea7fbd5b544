import { createServer } from 'node:http';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { VERSION_LINE } from '../../cli/args.ts';
import { COMMANDS } from '../../cli/main.ts';
import { type FakePostHogApi, makePersons, startFakePostHogApi } from '../../local/cohort-sync-fakes/posthog-api.ts';
import { closeServer, listenOnLoopback } from '../../local/loopback.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs-server.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from './fake-secrets-manager.ts';
import { type Harness, harness } from './harness.ts';

// The CLI's conventions, held for every command in one table: --help and --version (stdout, exit 0), wrong usage
// (stderr with a pointer to --help, exit 2), --format json (one JSON document on stdout, numbers as numbers), and
// --yes/--dry-run on the commands that move or remove something.
const KEY_SECRET = 'posthog-key';
const TOKENS_SECRET = 'webhook-tokens';
const TOKENS = ['newest-token-aaaaaaaaaaaaaaaa', 'older-token-bbbbbbbbbbbbbbbbb'];

let sqs: LocalSqs;
let sm: FakeSecretsManager;
let posthogApi: FakePostHogApi;
let intake: { url: string; close(): Promise<void> };
let cli: Harness;

beforeAll(async () => {
  sqs = await startLocalSqs();
  sm = await startFakeSecretsManager({ [KEY_SECRET]: 'x', [TOKENS_SECRET]: JSON.stringify(TOKENS) });
  posthogApi = await startFakePostHogApi({});
  posthogApi.setCohort('1', '7', makePersons(3, { withProperty: true }));
  // An intake answering as the real one does for a queued event and a dry run (docs/mapping.md, "Responses").
  const server = createServer((req, res) => {
    req.resume();
    // The runner's own status route (local/status-routes.ts) as an empty runner answers it.
    const status = { since: '2026-11-28T22:00:00.000Z', lines: 0, max_lines: 2000, requests: {}, recent: [] };
    const counts = { received: 0, queued: 0, delivered: 0, retrying: 0, dead_lettered: 0, total: 0 };
    const body = req.url?.startsWith('/local/status')
      ? { ...status, events: counts }
      : req.url?.includes('dry_run')
        ? { status: 'dry_run', events: [{ event: 'e', distinct_id: 'u', properties: { n: 1 } }], warnings: [] }
        : {
            status: 'ok',
            queued: 1,
            events: [{ uuid: '0193a0b0-0000-7000-8000-000000000001', event: 'e', distinct_id: 'u' }],
            warnings: [],
          };
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  });
  intake = { url: await listenOnLoopback(server), close: () => closeServer(server) };
  const found = {
    pid: process.pid,
    url: intake.url,
    token: 'local-token',
    sqsEndpoint: sqs.endpoint,
    queueUrl: sqs.queueUrl,
    dlqUrl: sqs.dlqUrl,
    startedAt: '',
  };
  cli = harness({
    env: {
      POSTHOG_APP_HOST: posthogApi.url,
      POSTHOG_PERSONAL_API_KEY: posthogApi.validKey,
      COHORT_SYNCS: JSON.stringify([{ posthogProjectId: 1, cohortId: 7, moengageCohortName: 'Power users', mode: 'dynamic' }]),
    },
    localRunner: async () => ({ found, tokenDropped: false }),
    stacks: { 'MoEngagePostHogForwarder-prod': { PostHogApiKeySecretName: KEY_SECRET, WebhookTokensSecretName: TOKENS_SECRET } },
  });
  const secretsManager = cli.deps.secretsManager;
  cli.deps.secretsManager = (target) => secretsManager({ ...target, endpoint: sm.url });
  await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.dlqUrl, MessageBody: '{"event":"e","distinct_id":"u"}' }));
});
afterAll(async () => {
  cli.close();
  await Promise.all([sqs.close(), sm.close(), posthogApi.close(), intake.close()]);
});

/** Strings that are really numbers ("400", "3") break the "numbers as numbers" rule. */
function numericStrings(value: unknown, path = '$'): string[] {
  if (typeof value === 'string') return /^-?\d+(\.\d+)?$/.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => numericStrings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => numericStrings(v, `${path}.${k}`));
  return [];
}

// [command words, a full command line printing JSON (exit code 0)]
const TABLE: Array<[string[], string[]]> = [
  [
    ['template', 'connector'],
    ['--event', 'purchase_completed', '--prop', 'amount=event:Amount'],
  ],
  [['send-test'], ['--local']],
  [['dlq', 'list'], ['--local']],
  [
    ['dlq', 'redrive'],
    ['--local', '--dry-run'],
  ],
  [['delivery', 'status'], ['--local']],
  [['trace'], ['--local']],
  [['secrets', 'set-posthog-key'], ['phc_conventions0123456789']],
  [['secrets', 'rotate-token'], []],
  [
    ['secrets', 'retire-token'],
    ['--all-but-newest', '--dry-run'],
  ],
  [['cohort-sync', 'run'], ['--dry-run']],
];

describe.each(TABLE)('moengage-posthog %j', (words, jsonArgs) => {
  it('--help: usage on stdout, exit 0', async () => {
    const result = await cli.run([...words, '--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^Usage: moengage-posthog ${words[0]}`));
    expect(result.stdout).toContain('--format text|json');
  });

  it('--version: the version on stdout, exit 0', async () => {
    expect(await cli.run([...words, '--version'])).toEqual({ code: 0, stdout: VERSION_LINE, stderr: '' });
  });

  it('wrong usage: a message and a pointer to --help on stderr, nothing on stdout, exit 2', async () => {
    for (const wrong of [['--no-such-option'], ['--format', 'yaml']]) {
      const result = await cli.run([...words, ...jsonArgs, ...wrong]);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(
        new RegExp(`^moengage-posthog ${words[0]}: .+\\nRun "moengage-posthog ${words[0]} --help" for usage\\.\\n$`),
      );
    }
  });

  it('--format json: one JSON document on stdout with numbers as numbers, exit 0', async () => {
    const result = await cli.run([...words, ...jsonArgs, '--format', 'json']);
    expect(result.code).toBe(0);
    expect(numericStrings(JSON.parse(result.stdout))).toEqual([]);
  });
});

describe.each([
  [['dlq', 'redrive', '--local'], 'Move about 1 message(s)'],
  [
    ['secrets', 'retire-token', '--all-but-newest'],
    'webhook token(s) in webhook-tokens? MoEngage requests that still send them will get 401.',
  ],
])('destructive %j', (argv, question) => {
  it('refuses without --yes when not interactive (exit 2), and --dry-run changes nothing', async () => {
    const tokens = sm.secrets.get(TOKENS_SECRET);
    const refused = await cli.run(argv);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${question}`);
    expect(refused.stderr).toContain('Pass --yes to go ahead, or --dry-run to only see what would change');
    expect((await cli.run([...argv, '--dry-run'])).code).toBe(0);
    expect(sm.secrets.get(TOKENS_SECRET)).toBe(tokens);
    expect((await cli.run(['dlq', 'list', '--local', '--format', 'json'])).stdout).toContain('"distinct_id"');
  });
});

it('covers every command of the CLI', () => {
  expect(new Set(TABLE.map(([words]) => words[0]))).toEqual(new Set(Object.keys(COMMANDS)));
});

it('the bare command lists the commands on stderr with exit 2; --version and --help answer on stdout', async () => {
  expect(await cli.run([])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('Usage: moengage-posthog <command>') });
  expect(await cli.run(['--version'])).toEqual({ code: 0, stdout: VERSION_LINE, stderr: '' });
  expect((await cli.run(['--help'])).code).toBe(0);
});
