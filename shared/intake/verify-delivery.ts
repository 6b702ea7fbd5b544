import { json } from './http-response.ts';
import type { IntakeDeps, Outcome } from './dependencies.ts';
import { unavailable } from './dependencies.ts';
import { count } from '../platform/observability.ts';
import type { SendResult } from '../posthog/capture-client.ts';
import { type PostHogEvent, summarize } from '../posthog/event.ts';
import type { KeyCheck } from '../posthog/key-check.ts';
import type { FieldIssue } from '../mapping/warnings.ts';

type Refusal = Extract<KeyCheck, { status: 'refused' | 'failed' }>;

/**
 * `?verify=1`: check the project key, deliver now; 200 only if PostHog accepted, else 502 with its status and message.
 * A key check that PostHog refused (401/403) or could not answer (400, 429, 5xx, no answer) ends in 502 before
 * anything is sent; only a PostHog without any flags endpoint (404) or the local sink is delivered unchecked, with a
 * warning (docs/architecture.md, "PostHog: Checking the project key").
 */
export async function verifyDelivery(
  events: PostHogEvent[],
  warnings: FieldIssue[],
  apiKey: string,
  deps: IntakeDeps,
  log: Record<string, unknown>,
): Promise<Outcome> {
  if (!deps.verify) return unavailable('verify_unavailable', 'verification is not configured', 'no PostHog client');
  const host = deps.config.posthogHost;
  const check = await deps.verify.checkKey(host, apiKey);
  if (check.status === 'refused' || check.status === 'failed') return keyCheckFailed(check, host, warnings, log);
  const notes =
    check.status === 'unchecked'
      ? [...warnings, { path: 'verify', message: `the project key was not checked: ${check.message}` }]
      : warnings;
  const keyCheck = check.status === 'valid' ? 'valid' : check.reason;
  const sent = await deps.verify.post(host, apiKey, events);
  if (!sent.ok) return captureFailed(sent, host, events, notes, log);
  count(deps.metrics, 'Verified', events.length);
  const body = { status: 'verified', delivered: events.length, key_check: keyCheck, events: events.map(summarize), warnings: notes };
  return { response: json(200, body), outcome: 'verified', log: { ...log, posthog_status: sent.status, key_check: keyCheck } };
}

function keyCheckFailed(check: Refusal, host: string, warnings: FieldIssue[], log: Record<string, unknown>): Outcome {
  const message =
    check.status === 'refused'
      ? `PostHog at ${host} refused the project API key configured in the forwarder (POSTHOG_API_KEY): nothing was sent. Check that the key (phc_…) is the one in your PostHog project settings; if it is, PostHog may have failed to look it up: press Test again.`
      : `PostHog at ${host} could not check the project API key (${check.message}): nothing was sent. Press Test again in a minute.`;
  const body = {
    status: 'verify_failed',
    stage: 'key_check',
    posthog_status: check.httpStatus ?? null,
    posthog_message: check.message,
    message,
    warnings,
  };
  const reason = check.status === 'refused' ? 'verify_key_refused' : 'verify_key_check_failed';
  return { response: json(502, body), outcome: 'failed', reason, log: { ...log, posthog_status: check.httpStatus } };
}

function captureFailed(
  sent: Extract<SendResult, { ok: false }>,
  host: string,
  events: PostHogEvent[],
  warnings: FieldIssue[],
  log: Record<string, unknown>,
): Outcome {
  const status = sent.status === undefined ? '' : ` (HTTP ${sent.status})`;
  const maybeStored = sent.failure === 'timeout' ? ` PostHog may still have stored the event(s); ${RESEND_ADVICE}` : '';
  const body = {
    status: 'verify_failed',
    stage: 'capture',
    posthog_status: sent.status ?? null,
    posthog_message: sent.message,
    ...(sent.failure === 'timeout' ? { possibly_stored: true } : {}),
    message: `PostHog at ${host} did not accept the events${status}: ${sent.message}.${maybeStored}`,
    events: events.map(summarize),
    warnings,
  };
  return { response: json(502, body), outcome: 'failed', reason: 'verify_rejected', log: { ...log, posthog_status: sent.status } };
}

/** Re-sending the same body is safe: every uuid is a function of the body alone (docs/mapping.md, "uuid"). */
const RESEND_ADVICE = 're-sending the same body is safe: it maps to the same uuids, so PostHog keeps one copy of each event.';
