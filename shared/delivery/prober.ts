import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { DeadLetterQueue } from './dead-letter.ts';
import type { DeliverySwitch } from './delivery-switch.ts';
import { afterProbe, DELIVERING, describeState, type OutageSettings, probeDue } from './outage.ts';
import type { Requeue } from './requeue.ts';
import { parseRecord } from './parse-record.ts';
import { loggableAnswer } from '../posthog/answer.ts';
import type { SendResult } from '../posthog/capture-client.ts';
import { count, countWithDimension } from '../platform/observability.ts';

/** The event source of the forwarder: AWS's event source mapping (its Enabled flag), or the local poller. */
export interface EventSource {
  setEnabled(enabled: boolean): Promise<void>;
}

/** One waiting message, taken from the queue for a probe (hidden until released or removed). */
export interface ProbeQueue {
  takeOne(): Promise<SQSRecord | undefined>;
  /** No message at all in the queue: none visible, none hidden (in flight) and none delayed. */
  isEmpty(): Promise<boolean>;
  release(record: SQSRecord): Promise<void>;
  remove(record: SQSRecord): Promise<void>;
}

export interface ProberDeps {
  switch: DeliverySwitch;
  settings: OutageSettings;
  eventSource: EventSource;
  queue: ProbeQueue;
  requeue: Requeue;
  maxReceiveCount: number;
  deadLetters: DeadLetterQueue;
  defaultDestination: string;
  apiKey(): Promise<string>;
  post(destination: string, apiKey: string, eventJson: readonly string[]): Promise<SendResult>;
  now(): number;
  logger: Logger;
  metrics: Metrics;
}

export type ProbeVerdict = 'delivering' | 'operator' | 'waiting' | 'resumed' | 'still_paused';

/**
 * One tick of the prober (every OUTAGE_PROBE_SECONDS): makes the event source follow the state, and while paused
 * sends ONE real waiting event to PostHog when a probe is due. PostHog accepting it, or refusing that event alone
 * (400/413: PostHog answered), resumes delivery; the backlog then drains at the event source's full concurrency.
 */
export async function probeOnce(deps: ProberDeps): Promise<ProbeVerdict> {
  const state = await deps.switch.read();
  if (state.status === 'delivering') {
    await deps.eventSource.setEnabled(true);
    return 'delivering';
  }
  await deps.eventSource.setEnabled(false);
  countWithDimension(deps.metrics, 'DeliveryPausedMinutes', 'cause', state.cause, deps.settings.probeSeconds / 60);
  if (state.cause === 'operator') return 'operator';
  if (!probeDue(state, deps.now())) return 'waiting';

  const record = await deps.queue.takeOne();
  // Nothing to take is not the same as nothing waiting: records the forwarder handed back while paused stay hidden
  // until after this probe. Resuming then would send them to a PostHog that is still down; wait for one instead.
  if (!record) return (await deps.queue.isEmpty()) ? resume(deps, 'the queue is empty') : 'waiting';
  const parsed = parseRecord(record, deps.defaultDestination);
  if (!parsed.ok) {
    await deps.deadLetters.send(record, { reason: 'malformed', httpStatus: undefined, message: parsed.message, attempts: 0 });
    await deps.queue.remove(record);
    return 'waiting';
  }
  count(deps.metrics, 'Probes');
  const result = await deps.post(parsed.delivery.destination, await deps.apiKey(), [record.body]);
  if (result.ok) {
    await deps.queue.remove(record);
    return resume(deps, `PostHog accepted the probe event (HTTP ${result.status})`);
  }
  if (result.kind === 'rejected') {
    await deps.deadLetters.send(record, { reason: 'rejected', httpStatus: result.status, message: result.message, attempts: 1 });
    await deps.queue.remove(record);
    return resume(deps, `PostHog answered the probe (it refused that one event with HTTP ${result.status})`);
  }
  const cause = result.kind === 'unauthorized' ? 'key_refused' : 'unreachable';
  const message = result.status === undefined ? result.message : probeAnswer(result.status, result.message);
  const next = afterProbe(state, { ok: false, cause, message }, deps.now(), deps.settings);
  await deps.switch.write(next);
  if (Number(record.attributes.ApproximateReceiveCount) >= deps.maxReceiveCount - 1) {
    await deps.requeue([record], 0);
    await deps.queue.remove(record);
  } else {
    await deps.queue.release(record);
  }
  deps.logger.warn('probe failed; delivery stays paused', { state: describeState(next) });
  return 'still_paused';
}

async function resume(deps: ProberDeps, why: string): Promise<ProbeVerdict> {
  await deps.switch.write(DELIVERING);
  await deps.eventSource.setEnabled(true);
  count(deps.metrics, 'DeliveryResumed');
  deps.logger.warn('delivery resumed', { why });
  return 'resumed';
}

/**
 * What the breaker state keeps of PostHog's answer to a failed probe: the status and the answer's class only. The
 * state is shown by `delivery status` and logged by the probe line, so it follows the log lines' rule (PostHog's
 * detail can quote the event; ../posthog/answer.ts). An empty answer reads `HTTP 503` once, not twice.
 */
function probeAnswer(status: number, text: string): string {
  const said = loggableAnswer(text).posthog_message;
  return said === `HTTP ${status}` ? said : `HTTP ${status} ${said}`;
}
