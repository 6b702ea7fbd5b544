import { json } from './http-response.ts';
import type { IntakeDeps, Outcome } from './dependencies.ts';
import { unavailable } from './dependencies.ts';
import { count } from '../platform/observability.ts';
import { type PostHogEvent, summarize } from '../posthog/event.ts';
import type { FieldIssue } from '../mapping/warnings.ts';

/** `?verify=1`: check the project key, deliver now; 200 only if PostHog accepted, else 502 with its status and message. */
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
  if (check.status === 'invalid') {
    const body = {
      status: 'verify_failed',
      stage: 'key_check',
      posthog_status: check.httpStatus,
      posthog_message: check.message,
      message: `PostHog at ${host} does not recognise the project API key configured in the forwarder (POSTHOG_API_KEY): nothing was sent. Copy the key (phc_…) from the PostHog project settings.`,
      warnings,
    };
    return {
      response: json(502, body),
      outcome: 'failed',
      reason: 'verify_key_invalid',
      log: { ...log, posthog_status: check.httpStatus },
    };
  }
  const notes =
    check.status === 'unchecked'
      ? [...warnings, { path: 'verify', message: `the project key was not checked: ${check.reason}` }]
      : warnings;
  const sent = await deps.verify.post(host, apiKey, events);
  if (!sent.ok) {
    const body = {
      status: 'verify_failed',
      stage: 'capture',
      posthog_status: sent.status ?? null,
      posthog_message: sent.message,
      message: `PostHog at ${host} did not accept the events${sent.status === undefined ? '' : ` (HTTP ${sent.status})`}: ${sent.message}`,
      events: events.map(summarize),
      warnings: notes,
    };
    return { response: json(502, body), outcome: 'failed', reason: 'verify_rejected', log: { ...log, posthog_status: sent.status } };
  }
  count(deps.metrics, 'Verified', events.length);
  const body = { status: 'verified', delivered: events.length, events: events.map(summarize), warnings: notes };
  return { response: json(200, body), outcome: 'verified', log: { ...log, posthog_status: sent.status, key_check: check.status } };
}
