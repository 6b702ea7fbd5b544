import { MAX_RETRY_VISIBILITY_SECONDS } from '../shared/delivery/visibility.ts';
import { fromEnv, setting } from './setting.ts';

/**
 * The functions' own settings (shared/platform/env-settings.ts), each deployable as CDK context. The stack writes
 * each into the environment of the functions that read it; the local runner takes the same names from its own
 * environment (README, "Configuration").
 */
export const FUNCTION_SETTINGS = {
  maxBodyBytes: setting({
    schema: fromEnv('MAX_BODY_BYTES'),
    meaning: 'Request body limit in bytes (1024–10485760); a larger body gets 413.',
    env: { name: 'MAX_BODY_BYTES', functions: ['intake'] },
  }),
  strictMode: setting({
    schema: fromEnv('STRICT_MODE'),
    meaning: '`true` turns every dropped property (unrendered or empty value) and every repaired body into a 400 instead of a warning.',
    env: { name: 'STRICT_MODE', functions: ['intake'] },
  }),
  personlessEvents: setting({
    schema: fromEnv('PERSONLESS_EVENTS'),
    defaultText: "MoEngage's outreach events",
    meaning:
      'Event names or Streams event codes sent with `$process_person_profile: false`: comma-separated with `-c`, a list in cdk.json (`[]` for none). Default: Email Sent, SMS Delivered, … (docs/mapping.md).',
    env: { name: 'PERSONLESS_EVENTS', functions: ['intake'] },
  }),
  streamsEventName: setting({
    schema: fromEnv('STREAMS_EVENT_NAME'),
    meaning:
      'PostHog event name for `/v1/streams`: `event_name` (display names such as `Email Clicked`) or `event_code` (`MOE_EMAIL_CLICK`).',
    env: { name: 'STREAMS_EVENT_NAME', functions: ['intake'] },
  }),
  streamsIncludeChannelAddresses: setting({
    schema: fromEnv('STREAMS_INCLUDE_CHANNEL_ADDRESSES'),
    meaning: "`true` forwards Streams' `email_id`, `mobile_number`, `push_id` as `$moengage_*` properties (personal data).",
    env: { name: 'STREAMS_INCLUDE_CHANNEL_ADDRESSES', functions: ['intake'] },
  }),
  streamsUserAttributes: setting({
    schema: fromEnv('STREAMS_USER_ATTRIBUTES'),
    meaning: "How Streams' `user_attributes` of user actions reach the person: `set_once`, `set` or `none` (docs/streams.md).",
    env: { name: 'STREAMS_USER_ATTRIBUTES', functions: ['intake'] },
  }),
  streamsMoengageUserIdPersons: setting({
    schema: fromEnv('STREAMS_MOENGAGE_USER_ID_PERSONS'),
    meaning: "`true` creates persons keyed by MoEngage's internal `moengage_user_id` when a Streams event has no `uid`.",
    env: { name: 'STREAMS_MOENGAGE_USER_ID_PERSONS', functions: ['intake'] },
  }),
  posthogTimeoutMs: setting({
    // Three attempts with backoff and the dead-lettering margin must fit the forwarder's 60 s (docs/deploy.md, "Sizing").
    schema: fromEnv('POSTHOG_TIMEOUT_MS').refine(
      (ms) => ms <= 15_000,
      'must be at most 15000: three attempts must fit the forwarder’s 60 s timeout',
    ),
    meaning:
      'Timeout of one PostHog request by the forwarder and the prober (100–15000 ms; connect timeout 3 s). `?verify=1` at intake waits at most 2 s per PostHog call whatever this says.',
    env: { name: 'POSTHOG_TIMEOUT_MS', functions: ['delivery'] },
  }),
  secretsMaxAgeSeconds: setting({
    schema: fromEnv('SECRETS_MAX_AGE_SECONDS'),
    meaning: 'How long the functions cache a secret value (0–3600 s): a changed token or key is in use everywhere within it.',
    env: { name: 'SECRETS_MAX_AGE_SECONDS', functions: ['intake', 'delivery'] },
  }),
  maxReceiveCount: setting({
    schema: fromEnv('MAX_RECEIVE_COUNT'),
    meaning:
      'Receives before SQS moves a message to the DLQ (3–1000); a record failing only because PostHog is down is re-queued one receive before.',
    env: { name: 'MAX_RECEIVE_COUNT', functions: ['delivery'] },
  }),
  retryBaseSeconds: setting({
    schema: fromEnv('RETRY_BASE_SECONDS'),
    meaning: 'First redelivery delay of a failed record (1–3600 s), doubling per receive (docs/operations.md, "Outages").',
    env: { name: 'RETRY_BASE_SECONDS', functions: ['delivery'] },
  }),
  retryMaxSeconds: setting({
    schema: fromEnv('RETRY_MAX_SECONDS'),
    meaning: `Longest delay between two tries of one record (at least \`retryBaseSeconds\`, at most ${MAX_RETRY_VISIBILITY_SECONDS} s).`,
    env: { name: 'RETRY_MAX_SECONDS', functions: ['delivery'] },
  }),
  outageProbeSeconds: setting({
    // EventBridge schedules run in whole minutes, at most once a minute.
    schema: fromEnv('OUTAGE_PROBE_SECONDS').refine(
      (seconds) => seconds >= 60 && seconds % 60 === 0,
      'must be a whole number of minutes (60, 120, …): the prober runs on an EventBridge schedule',
    ),
    meaning: 'Probe interval while delivery is paused (60–3600 s, whole minutes: an EventBridge schedule).',
    env: { name: 'OUTAGE_PROBE_SECONDS', functions: ['delivery'] },
  }),
};
