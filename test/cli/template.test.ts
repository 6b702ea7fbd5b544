import type { ConnectorTemplate } from '../../cli/template-connector.ts';
import { buildConnectorTemplate, connectorUrl, jinja, parseAttribute, TOKEN_PLACEHOLDER } from '../../cli/template-connector.ts';
import { type LocalStack, startLocalStack } from '../../local/runner.ts';
import { type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';
import { harness } from './harness.ts';

type Attributes = { user: Record<string, string>; event: Record<string, string> };

/**
 * Renders the subset of MoEngage Jinja the generator writes, as MoEngage would for one user: the attribute's value,
 * the |default('') fallback when it is missing, and an error (MoEngage would not send) when there is no fallback.
 */
function render(text: string, attributes: Attributes): string {
  return text.replace(
    /\{\{(UserAttribute|EventAttribute)\['((?:[^'\\]|\\.)*)'\](?:\|default\('([^']*)'\))?\}\}/g,
    (_, kind: string, rawName: string, fallback: string | undefined) => {
      const name = rawName.replace(/\\(.)/g, '$1');
      const value = (kind === 'UserAttribute' ? attributes.user : attributes.event)[name] ?? fallback;
      if (value === undefined) throw new Error(`Personalization Failed: ${kind}['${name}'] is missing and has no fallback`);
      return value.replace(/["\\]/g, '\\$&');
    },
  );
}

const options = (overrides: Partial<Parameters<typeof buildConnectorTemplate>[0]> = {}) => ({
  event: 'purchase_completed',
  distinctId: undefined,
  props: [],
  identify: false,
  insertId: undefined,
  campaign: undefined,
  url: undefined,
  ...overrides,
});

describe('template connector (pure)', () => {
  it.each([
    ['user:First Name', 'event', { kind: 'user', name: 'First Name' }],
    ['event:Order ID', 'user', { kind: 'event', name: 'Order ID' }],
    ['Amount', 'event', { kind: 'event', name: 'Amount' }],
    ['Email (Standard)', 'user', { kind: 'user', name: 'Email (Standard)' }],
    ["UserAttribute['City']", 'event', { kind: 'user', name: 'City' }],
    ["{{EventAttribute['Price']|round(2)}}", 'event', { kind: 'jinja', text: "{{EventAttribute['Price']|round(2)}}" }],
  ] as const)('parseAttribute(%j, %s)', (spec, kind, ref) => {
    expect(parseAttribute(spec, kind)).toEqual(ref);
  });

  it.each([
    [{ kind: 'user', name: 'ID' }, 'none', "{{UserAttribute['ID']}}"],
    [{ kind: 'event', name: 'Amount' }, 'empty', "{{EventAttribute['Amount']|default('')}}"],
    [{ kind: 'user', name: "Kid's name" }, 'empty', "{{UserAttribute['Kid\\'s name']|default('')}}"],
  ] as const)('jinja(%j, %s) → %s', (ref, fallback, text) => {
    expect(jinja(ref, fallback)).toBe(text);
  });

  it.each([
    [undefined, 'https://<api-id>.execute-api.<region>.amazonaws.com/v1/connector'],
    ['https://abc.execute-api.eu-west-1.amazonaws.com', 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/connector'],
    ['https://abc.execute-api.eu-west-1.amazonaws.com/v1/connector/', 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/connector'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000/v1/connector'],
  ])('connectorUrl(%s)', (base, url) => {
    expect(connectorUrl(base)).toBe(url);
  });

  it('builds a purchase body: no fallback for distinct_id, empty fallbacks for properties, $insert_id from the order', () => {
    const t = buildConnectorTemplate(options({ props: ['amount=event:Amount', 'order_id=Order ID'], insertId: 'event:Order ID' }));
    expect(t).toMatchObject({
      method: 'POST',
      url: 'https://<api-id>.execute-api.<region>.amazonaws.com/v1/connector',
      headers: { Authorization: `Bearer ${TOKEN_PLACEHOLDER}`, 'Content-Type': 'application/json' },
      body: {
        event: 'purchase_completed',
        distinct_id: "{{UserAttribute['ID']}}",
        $insert_id: "{{EventAttribute['Order ID']|default('')}}",
        properties: { amount: "{{EventAttribute['Amount']|default('')}}", order_id: "{{EventAttribute['Order ID']|default('')}}" },
      },
    });
  });

  it('gives one-time campaigns a per-campaign, per-user $insert_id and event-triggered ones a note instead', () => {
    expect(buildConnectorTemplate(options({ campaign: 'Black Friday 2026', props: ['tier=user:Tier'] })).body.$insert_id).toBe(
      "black-friday-2026:{{UserAttribute['ID']}}",
    );
    const triggered = buildConnectorTemplate(options({ props: ['amount=event:Amount'] }));
    expect(triggered.body.$insert_id).toBeUndefined();
    expect(triggered.notes.join('\n')).toContain("Add --insert-id 'event:");
  });

  it('warns when distinct_id has a fallback', () => {
    const t = buildConnectorTemplate(options({ distinctId: "{{UserAttribute['ID']|default('guest')}}" }));
    expect(t.notes[0]).toContain('would land on that one person');
  });

  it.each([
    [options({ event: undefined }), '--event is required'],
    [options({ event: 'x', identify: true }), '--identify sends a "$identify" event'],
    [options({ props: ['amount'] }), '--prop must look like name=<MoEngage attribute>'],
    [options({ props: ['distinct_id=user:ID'] }), 'is not a property name you can set here'],
    [options({ props: ['a=x', 'a=y'] }), '--prop "a" is given twice'],
    [options({ url: 'ftp://x' }), '--url must start with https://'],
  ])('refuses %j', (input, message) => {
    expect(() => buildConnectorTemplate(input)).toThrow(message);
  });
});

describe('template connector (command)', () => {
  const cli = harness();
  afterAll(() => cli.close());

  it('prints the configuration to paste', async () => {
    const result = await cli.run([
      'template',
      'connector',
      '--event',
      'purchase_completed',
      '--prop',
      'amount=event:Amount',
      '--insert-id',
      'event:Order ID',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        '  Method       POST',
        '  Webhook URL  https://<api-id>.execute-api.<region>.amazonaws.com/v1/connector',
        '  Headers      Authorization: Bearer <WEBHOOK_TOKEN>',
        '               Content-Type: application/json',
        '  Body         Raw, exactly this JSON:',
        '',
        '{',
        '  "event": "purchase_completed",',
        '  "distinct_id": "{{UserAttribute[\'ID\']}}",',
        '  "$insert_id": "{{EventAttribute[\'Order ID\']|default(\'\')}}",',
        '  "properties": {',
        '    "amount": "{{EventAttribute[\'Amount\']|default(\'\')}}"',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it.each([
    [['template', 'connector'], 2, '--event is required'],
    [['template', 'connector', '--event', 'x', '--format', 'yaml'], 2, '--format must be "text" or "json"'],
    [['template', 'email'], 2, 'unknown template action "email": use connector'],
    [['template'], 2, ''],
  ])('%j exits with %i', async (argv, code, message) => {
    const result = await cli.run(argv);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });

  it('answers --help with exit code 0', async () => {
    expect(await cli.run(['template', 'connector', '--help'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('--insert-id <attr>'),
    });
  });
});

describe('template connector output round-trips through the intake (?dry_run=1)', () => {
  let posthog: FakePostHog;
  let stack: LocalStack;
  const cli = harness();
  const token = 'template-roundtrip-token-123';

  beforeAll(async () => {
    posthog = await startFakePostHog();
    stack = await startLocalStack({
      env: { POSTHOG_HOST: posthog.url, POSTHOG_API_KEY: 'phc_roundtrip_key', WEBHOOK_TOKEN: token },
      print: () => {},
    });
  });
  afterAll(async () => {
    cli.close();
    await stack?.stop();
    await posthog?.close();
  });

  async function template(args: string[]): Promise<ConnectorTemplate> {
    const result = await cli.run(['template', 'connector', ...args, '--url', stack.url, '--format', 'json']);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as ConnectorTemplate;
  }

  async function dryRun(t: ConnectorTemplate, attributes: Attributes) {
    const headers = { ...t.headers, Authorization: t.headers.Authorization.replace(TOKEN_PLACEHOLDER, token) };
    const response = await fetch(`${t.url}?dry_run=1`, { method: t.method, headers, body: render(JSON.stringify(t.body), attributes) });
    return { status: response.status, body: (await response.json()) as { events: Array<Record<string, unknown>>; warnings: unknown[] } };
  }

  it('maps a purchase with typed values and a stable uuid from $insert_id', async () => {
    const t = await template([
      '--event',
      'purchase_completed',
      '--prop',
      'amount=event:Amount',
      '--prop',
      'currency=event:Currency',
      '--prop',
      'order_id=event:Order ID',
      '--insert-id',
      'event:Order ID',
    ]);
    const attributes = { user: { ID: 'user-42' }, event: { Amount: '19.99', Currency: 'EUR', 'Order ID': '00123' } };
    const first = await dryRun(t, attributes);
    expect(first.status).toBe(200);
    expect(first.body.warnings).toEqual([]);
    expect(first.body.events).toEqual([
      expect.objectContaining({
        event: 'purchase_completed',
        distinct_id: 'user-42',
        properties: expect.objectContaining({ amount: 19.99, currency: 'EUR', order_id: '00123', $insert_id: '00123' }),
      }),
    ]);
    const second = await dryRun(t, attributes);
    expect(second.body.events[0]?.uuid).toBe(first.body.events[0]?.uuid);
  });

  it('drops a missing attribute with a warning and still maps the event', async () => {
    const t = await template([
      '--event',
      'purchase_completed',
      '--prop',
      'amount=event:Amount',
      '--prop',
      'coupon=event:Coupon',
      '--insert-id',
      'event:Order ID',
    ]);
    const result = await dryRun(t, { user: { ID: 'user-7' }, event: { Amount: '5' } });
    expect(result.status).toBe(200);
    expect(result.body.events[0]?.properties).toEqual(expect.objectContaining({ amount: 5 }));
    expect(result.body.events[0]?.properties).not.toHaveProperty('coupon');
    expect(result.body.warnings).toEqual([
      { path: 'properties.coupon', message: expect.stringContaining('dropped') },
      { path: '$insert_id', message: expect.stringContaining('ignored') },
    ]);
  });

  it('maps an identify with person properties, and a one-time campaign that deduplicates per user', async () => {
    const identify = await template(['--identify', '--prop', 'email=Email (Standard)', '--prop', 'plan=user:Plan']);
    const who = { user: { ID: 'user-9', 'Email (Standard)': 'ada@example.com', Plan: 'pro' }, event: {} };
    const mapped = await dryRun(identify, who);
    expect(mapped.status).toBe(200);
    expect(mapped.body.events[0]).toMatchObject({
      event: '$identify',
      distinct_id: 'user-9',
      properties: { $set: { email: 'ada@example.com', plan: 'pro' }, $insert_id: 'identify:user-9' },
    });

    const oneTime = await template(['--event', 'winback_sent', '--campaign', 'Winback Nov', '--prop', 'tier=user:Tier']);
    const a = await dryRun(oneTime, { user: { ID: 'user-1', Tier: 'gold' }, event: {} });
    const b = await dryRun(oneTime, { user: { ID: 'user-2', Tier: 'gold' }, event: {} });
    const again = await dryRun(oneTime, { user: { ID: 'user-1', Tier: 'gold' }, event: {} });
    expect(a.body.events[0]?.properties).toMatchObject({ tier: 'gold', $insert_id: 'winback-nov:user-1' });
    expect(again.body.events[0]?.uuid).toBe(a.body.events[0]?.uuid);
    expect(b.body.events[0]?.uuid).not.toBe(a.body.events[0]?.uuid);
  });
});
