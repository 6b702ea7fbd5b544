import { UsageError } from './io.ts';

/** A MoEngage personalization reference: a user or event attribute, or Jinja typed by hand. */
export type AttributeRef = { kind: 'user' | 'event'; name: string } | { kind: 'jinja'; text: string };

export interface TemplateOptions {
  event: string | undefined;
  distinctId: string | undefined;
  props: readonly string[];
  identify: boolean;
  insertId: string | undefined;
  campaign: string | undefined;
  url: string | undefined;
}

export interface ConnectorTemplate {
  method: 'POST';
  url: string;
  headers: { Authorization: string; 'Content-Type': 'application/json' };
  bodyType: 'raw';
  body: Record<string, unknown>;
  notes: string[];
}

export const TOKEN_PLACEHOLDER = '<WEBHOOK_TOKEN>';
export const URL_PLACEHOLDER = 'https://<api-id>.execute-api.<region>.amazonaws.com';
export const DEFAULT_DISTINCT_ID = "{{UserAttribute['ID']}}";
const RESERVED = new Set(['distinct_id', '$insert_id', '$set', '$set_once', 'uuid', 'timestamp', 'event', 'api_key', 'token']);

/** `user:First Name`, `event:Amount`, `UserAttribute['X']`, raw `{{…}}`, or a bare name of the default kind. */
export function parseAttribute(spec: string, defaultKind: 'user' | 'event'): AttributeRef {
  const text = spec.trim();
  if (text === '') throw new UsageError('an attribute reference is empty');
  if (text.includes('{{') || text.includes('{%')) return { kind: 'jinja', text };
  const bracket = /^(UserAttribute|EventAttribute)\[\s*(['"])(.+)\2\s*\]$/.exec(text);
  if (bracket?.[1] && bracket[3]) return { kind: bracket[1] === 'UserAttribute' ? 'user' : 'event', name: bracket[3] };
  const prefixed = /^(user|event):(.+)$/i.exec(text);
  if (prefixed?.[1] && prefixed[2]?.trim()) return { kind: prefixed[1].toLowerCase() as 'user' | 'event', name: prefixed[2].trim() };
  return { kind: defaultKind, name: text };
}

const quote = (name: string): string => `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const lookup = (ref: { kind: 'user' | 'event'; name: string }): string =>
  `${ref.kind === 'user' ? 'UserAttribute' : 'EventAttribute'}[${quote(ref.name)}]`;

/**
 * The Jinja for one value. Properties fall back to '' when the attribute is missing: the intake drops an empty value
 * with a warning and still delivers the event, where no fallback would make MoEngage skip the whole request and a
 * made-up 0 or "unknown" would be recorded as if it were true (docs/architecture.md, "Mapping rules").
 */
export function jinja(ref: AttributeRef, fallback: 'empty' | 'none'): string {
  if (ref.kind === 'jinja') return ref.text;
  return fallback === 'empty' ? `{{${lookup(ref)}|default('')}}` : `{{${lookup(ref)}}}`;
}

/** `https://x/`, `https://x/v1/connector` or nothing → the connector URL. */
export function connectorUrl(base: string | undefined): string {
  if (base === undefined) return `${URL_PLACEHOLDER}/v1/connector`;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`--url must be an http(s) URL such as https://abc123.execute-api.eu-west-1.amazonaws.com, got "${base}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--url must start with https://, got "${base}"`);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith('/v1/connector') ? path : `${path}/v1/connector`}`;
}

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'campaign';

/** Builds the connector configuration (pure): method, URL, headers and a Jinja body. */
export function buildConnectorTemplate(options: TemplateOptions): ConnectorTemplate {
  const event = options.identify ? (options.event ?? '$identify') : options.event;
  if (event === undefined || event.trim() === '')
    throw new UsageError('--event is required (the PostHog event name, e.g. purchase_completed)');
  if (options.identify && event !== '$identify')
    throw new UsageError('--identify sends a "$identify" event: leave out --event or set it to $identify');

  const notes: string[] = [];
  const distinct = parseAttribute(options.distinctId ?? DEFAULT_DISTINCT_ID, 'user');
  const distinctJinja = jinja(distinct, 'none');
  if (/\|\s*default\s*\(/.test(distinctJinja)) {
    notes.push(
      'distinct_id has a |default(...): every user without the attribute would land on that one person in PostHog. Prefer no fallback.',
    );
  } else {
    notes.push(
      'distinct_id has no fallback on purpose: MoEngage skips a user without it ("Personalization Failed") instead of attributing the event to someone else.',
    );
  }

  const values: Record<string, string> = {};
  let usesEventAttributes = distinct.kind === 'event';
  for (const item of options.props) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new UsageError(`--prop must look like name=<MoEngage attribute>, got "${item}"`);
    const name = item.slice(0, eq).trim();
    if (name === '' || RESERVED.has(name)) throw new UsageError(`--prop "${name}" is not a property name you can set here`);
    if (name in values) throw new UsageError(`--prop "${name}" is given twice`);
    const ref = parseAttribute(item.slice(eq + 1), options.identify ? 'user' : 'event');
    if (ref.kind === 'event' || (ref.kind === 'jinja' && ref.text.includes('EventAttribute'))) usesEventAttributes = true;
    values[name] = jinja(ref, 'empty');
  }
  if (Object.keys(values).length > 0) {
    notes.push(
      'Each property falls back to \'\' when the attribute is missing: the forwarder drops the empty property with a warning and still delivers the event (with STRICT_MODE=1 it answers 400 instead). No made-up 0 or "unknown" is recorded.',
    );
  }

  const body: Record<string, unknown> = { event, distinct_id: distinctJinja };
  if (options.insertId !== undefined) {
    const ref = parseAttribute(options.insertId, 'event');
    body.$insert_id = jinja(ref, 'empty');
    notes.push(
      '$insert_id identifies the occurrence: a re-sent request maps to the same event uuid and PostHog usually keeps one copy (its deduplication is eventual). If the attribute is missing the forwarder ignores the empty $insert_id (warning) and derives the uuid from the body instead.',
    );
  } else if (usesEventAttributes) {
    notes.push(
      "No $insert_id: this template uses event attributes (event-triggered), and one user may trigger it several times a day. Without $insert_id the uuid comes from the body, so two triggers with identical bodies on one day are kept as one event. Add --insert-id 'event:<attribute naming the occurrence, e.g. Order ID>' so each occurrence keeps its own.",
    );
  } else {
    const campaign = slug(options.campaign ?? event.replace(/^\$/, ''));
    body.$insert_id = `${campaign}:${distinctJinja}`;
    notes.push(
      `$insert_id "${campaign}:<user>" gives each user one event per campaign and day: when MoEngage re-runs the campaign, PostHog usually keeps one copy. Give each campaign its own --campaign label if several send the same event.`,
    );
  }
  if (options.identify) {
    if (Object.keys(values).length > 0) body.$set = values;
  } else {
    body.properties = values;
  }
  notes.push(
    'Press Test in MoEngage: only HTTP 200 counts as success. Check the same body first with: npx moengage-posthog send-test --url <base> --token <token> --file body.json',
  );

  return {
    method: 'POST',
    url: connectorUrl(options.url),
    headers: { Authorization: `Bearer ${TOKEN_PLACEHOLDER}`, 'Content-Type': 'application/json' },
    bodyType: 'raw',
    body,
    notes,
  };
}

/** What a marketer pastes into MoEngage, field by field. */
export function formatConnectorTemplate(template: ConnectorTemplate): string {
  const lines = [
    `MoEngage connector campaign → PostHog event "${String(template.body.event)}"`,
    'Engage → Create campaign → Connectors → Custom; in Step 2 (Content) enter:',
    '',
    `  Method       ${template.method}`,
    `  Webhook URL  ${template.url}`,
    `  Headers      Authorization: ${template.headers.Authorization}`,
    `               Content-Type: ${template.headers['Content-Type']}`,
    '  Body         Raw, exactly this JSON:',
    '',
    JSON.stringify(template.body, null, 2),
    '',
    'Notes',
    ...template.notes.map((note) => `  - ${note}`),
    '',
  ];
  return lines.join('\n');
}
