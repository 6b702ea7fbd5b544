import { ListQueueTagsCommand, type SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import { type DeliverySwitch, parseDeliveryState } from '../delivery/delivery-switch.ts';
import { DELIVERING, type DeliveryState } from '../delivery/outage.ts';

/** The queue tag that holds the breaker state. */
export const DELIVERY_STATE_TAG = 'delivery-state';
/** SQS tag values hold at most 256 characters; the state is base64url JSON (tag values allow `-` and `_`). */
const MAX_TAG_CHARS = 256;

const encodeStateTag = (state: DeliveryState): string => {
  const short = state.status === 'paused' && state.lastError ? { ...state, lastError: state.lastError.slice(0, 60) } : state;
  const text = Buffer.from(JSON.stringify(short)).toString('base64url');
  return text.length <= MAX_TAG_CHARS ? text : Buffer.from(JSON.stringify({ ...short, lastError: undefined })).toString('base64url');
};

const decodeStateTag = (value: string | undefined): DeliveryState =>
  parseDeliveryState(value === undefined ? undefined : Buffer.from(value, 'base64url').toString('utf8'));

/**
 * The breaker state as a tag of the main queue itself: the forwarder, the prober and the CLI already hold the queue
 * URL, no other service is needed, and the in-process SQS of the local runner speaks the same API. Reads are cached
 * for `cacheMs` so a busy forwarder does not ask SQS on every invocation; a write refreshes the cache.
 */
export function createQueueTagSwitch(deps: { sqs: SQSClient; queueUrl: string; cacheMs: number; now: () => number }): DeliverySwitch {
  let cached: { state: DeliveryState; at: number } | undefined;
  return {
    async read() {
      if (cached && deps.now() - cached.at < deps.cacheMs) return cached.state;
      let tags: Record<string, string>;
      try {
        tags = (await deps.sqs.send(new ListQueueTagsCommand({ QueueUrl: deps.queueUrl }))).Tags ?? {};
      } catch (error) {
        // Delivery goes on when the state cannot be read; ask SQS again only after `cacheMs`, not on every invocation.
        cached = { state: DELIVERING, at: deps.now() };
        throw error;
      }
      const state = decodeStateTag(tags[DELIVERY_STATE_TAG]);
      cached = { state, at: deps.now() };
      return state;
    },
    async write(state) {
      await deps.sqs.send(new TagQueueCommand({ QueueUrl: deps.queueUrl, Tags: { [DELIVERY_STATE_TAG]: encodeStateTag(state) } }));
      cached = { state, at: deps.now() };
    },
  };
}
