import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatSendTestReport } from '../../cli/send-test-report.ts';
import { type LocalStack, startLocalStack } from '../../local/runner.ts';
import { type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';
import { type Harness, harness } from './harness.ts';

// docs/moengage-setup.md lists the `PostHog check:` lines send-test --verify ends with: each is produced here from
// the real intake (the local runner) answering for a fake PostHog that accepts, refuses or fails as told.
const root = resolve(import.meta.dirname, '../..');
const setup = readFileSync(resolve(root, 'docs/moengage-setup.md'), 'utf8');
const troubleshooting = readFileSync(resolve(root, 'docs/troubleshooting.md'), 'utf8');
const mapping = readFileSync(resolve(root, 'docs/mapping.md'), 'utf8');
const DOC_HOST = 'https://eu.i.posthog.com';
const KEY = 'phc_docs_verify_key';
const TOKEN = 'docs-verify-token-0123456789';

const documented = (/the report ends with one of these lines:\n\n```\n([\s\S]*?)```/.exec(setup)?.[1] ?? '').trim().split('\n');
const checkLine = (stdout: string): string => stdout.split('\n').find((l) => l.startsWith('PostHog check:')) ?? '(no PostHog check line)';

/** A documented line ending in "…" stands for the actual line's beginning. */
function expectDocumented(doc: string | undefined, actual: string): void {
  expect(doc).toBeDefined();
  const text = doc ?? '';
  if (text.endsWith('…')) expect(actual.startsWith(text.slice(0, -1))).toBe(true);
  else expect(actual).toBe(text);
}

describe('docs/moengage-setup.md: the PostHog check lines of send-test --verify', () => {
  let posthog: FakePostHog;
  let stack: LocalStack;
  let cli: Harness;
  beforeAll(async () => {
    posthog = await startFakePostHog();
    stack = await startLocalStack({ env: { POSTHOG_HOST: posthog.url, POSTHOG_API_KEY: KEY, WEBHOOK_TOKEN: TOKEN }, print: () => {} });
    cli = harness();
  });
  afterAll(async () => {
    cli.close();
    await stack?.stop();
    await posthog?.close();
  });
  beforeEach(() => {
    posthog.validKeys.clear();
    posthog.behaveFlags(undefined);
    posthog.behave(() => ({}));
  });

  const verify = async () => {
    const result = await cli.run(['send-test', '--url', stack.url, '--token', TOKEN, '--verify']);
    return { code: result.code, line: checkLine(result.stdout).replaceAll(posthog.url, DOC_HOST) };
  };

  it('lists seven lines', () => {
    expect(documented).toHaveLength(7);
  });

  it.each([
    ['the key is valid and PostHog accepted', 0, 0, () => posthog.validKeys.add(KEY)],
    ['PostHog has no flags endpoint', 2, 0, () => posthog.behaveFlags({ status: 404, body: 'Not Found' })],
    ['PostHog refused the key', 3, 1, () => posthog.validKeys.add('phc_another_project')],
    ['the key check got no usable answer', 4, 1, () => posthog.behaveFlags({ status: 503, body: 'unavailable' })],
    [
      'capture refused the event',
      5,
      1,
      () => posthog.behave(() => ({ status: 400, body: '{"type":"validation_error","code":"invalid_payload","detail":"bad"}' })),
    ],
  ])('when %s', async (_, index, code, arrange) => {
    arrange();
    const result = await verify();
    expect(result.code).toBe(code);
    expectDocumented(documented[index], result.line);
  });

  it('for the local capture sink and an older intake (their answers, as the intake and old versions send them)', () => {
    const report = (status: number, body: unknown) =>
      formatSendTestReport({
        url: 'http://127.0.0.1:3000/v1/connector',
        maskedToken: 'x',
        timeoutMs: 5000,
        mode: 'verify',
        main: { kind: 'response', status, ms: 1, body },
        dryRun: undefined,
      });
    expectDocumented(documented[1], checkLine(report(200, { status: 'verified', delivered: 1, key_check: 'local_sink', events: [] })));
    expectDocumented(documented[6], checkLine(report(200, { status: 'ok', queued: 1, events: [] })));
  });

  it('docs/mapping.md gives the 404 body the intake sends for an unknown route', async () => {
    const row = /\| unknown route \| 404 \| `([^`]+)` \|/.exec(mapping)?.[1];
    const response = await fetch(`${stack.url}/x`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(404);
    expect(JSON.parse(row ?? '')).toEqual(await response.json());
  });

  it('troubleshooting.md quotes the refused line as printed', () => {
    const refused = documented[3] ?? '';
    expect(troubleshooting).toContain(`\`${refused.slice(0, refused.indexOf(':', 'PostHog check:'.length) + 1)} …\``);
  });
});
