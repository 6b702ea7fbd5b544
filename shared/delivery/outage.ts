import type { DeliveryOutcome } from './deliver.ts';

/**
 * The circuit breaker of one deployment's PostHog destination (docs/operations.md, "Outages").
 * - `delivering`: the event source hands batches to the forwarder.
 * - `paused`: PostHog is unreachable (5xx, 429, timeouts, refused connections) or refuses the project key
 *   (401/403), or an operator paused delivery. Records wait in SQS (up to its 14-day retention) without being
 *   received; a prober sends ONE real waiting event to PostHog at most every `probeSeconds` and resumes delivery when
 *   PostHog accepts it (or refuses that one event alone: PostHog answered, so it is up).
 */
export type Cause = 'unreachable' | 'key_refused' | 'operator';

export type DeliveryState =
  | { status: 'delivering' }
  | { status: 'paused'; cause: Cause; since: number; nextProbeAt: number; lastError?: string };

export const DELIVERING: DeliveryState = { status: 'delivering' };

export interface OutageSettings {
  /** First redelivery delay of a record (RETRY_BASE_SECONDS, default 60). */
  retryBaseSeconds: number;
  /** Longest delay between two tries of one record (RETRY_MAX_SECONDS, default 900). */
  retryMaxSeconds: number;
  /** Probe interval while paused (OUTAGE_PROBE_SECONDS, default 60; the AWS schedule runs at most once a minute). */
  probeSeconds: number;
}

export const DEFAULT_OUTAGE_SETTINGS: OutageSettings = { retryBaseSeconds: 60, retryMaxSeconds: 900, probeSeconds: 60 };

/**
 * What a delivery outcome says about the destination: `systemic` failures are PostHog's or the key's, never the
 * event's, so they must never dead-letter it; `per_event` rejections (400/413 on the event alone) go to the DLQ.
 */
export function systemicCause(outcome: DeliveryOutcome | undefined): Exclude<Cause, 'operator'> | undefined {
  if (outcome?.status !== 'retry') return undefined;
  return outcome.unauthorized ? 'key_refused' : 'unreachable';
}

/**
 * The state after a forwarder invocation. Delivery pauses when no event of the batch got through and at least one
 * failed systemically (after the in-invocation retries): PostHog is down for the whole destination, not flaky.
 */
export function afterBatch(
  state: DeliveryState,
  outcomes: readonly (DeliveryOutcome | undefined)[],
  now: number,
  settings: OutageSettings,
): DeliveryState {
  if (state.status === 'paused') return state;
  if (outcomes.some((o) => o?.status === 'delivered')) return state;
  const causes = outcomes.map(systemicCause).filter((c) => c !== undefined);
  const cause = causes.includes('key_refused') ? 'key_refused' : causes[0];
  if (cause === undefined) return state;
  return { status: 'paused', cause, since: now, nextProbeAt: now + settings.probeSeconds * 1000 };
}

export type ProbeResult = { ok: true } | { ok: false; cause: Exclude<Cause, 'operator'>; message: string };

/** The state after a probe: resume on success, else wait one more probe interval (the cause may change). */
export function afterProbe(state: DeliveryState, result: ProbeResult, now: number, settings: OutageSettings): DeliveryState {
  if (state.status !== 'paused' || state.cause === 'operator') return state;
  if (result.ok) return DELIVERING;
  return { ...state, cause: result.cause, nextProbeAt: now + settings.probeSeconds * 1000, lastError: result.message };
}

/** Whether the prober should send a probe now (never while an operator holds delivery). */
export const probeDue = (state: DeliveryState, now: number): boolean =>
  state.status === 'paused' && state.cause !== 'operator' && now >= state.nextProbeAt;

/** How long a record handed back while paused stays invisible: until shortly after the next probe, at most the cap. */
export function pausedVisibilitySeconds(state: DeliveryState, now: number, settings: OutageSettings): number {
  const untilProbe = state.status === 'paused' ? Math.ceil((state.nextProbeAt - now) / 1000) : 0;
  return Math.max(1, Math.min(settings.retryMaxSeconds, untilProbe + settings.probeSeconds));
}

/** A one-line description for operators and alarms: "PostHog unreachable since 2026-11-28T10:00:00.000Z". */
export function describeState(state: DeliveryState): string {
  if (state.status === 'delivering') return 'delivering';
  const since = new Date(state.since).toISOString();
  const what = { unreachable: 'PostHog unreachable', key_refused: 'project key refused', operator: 'paused by an operator' }[state.cause];
  const next = state.cause === 'operator' ? '' : `; next probe ${new Date(state.nextProbeAt).toISOString()}`;
  return `${what} since ${since}${next}${state.lastError ? ` (last answer: ${state.lastError})` : ''}`;
}

/** How long the forwarder trusts a state it read: 5 s, or half a probe interval when probes come faster (tests). */
export const stateCacheMs = (settings: OutageSettings): number => Math.min(5_000, (settings.probeSeconds * 1000) / 2);
