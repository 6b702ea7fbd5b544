import * as z from 'zod/mini';
import '../lib/zod-mini.ts';

/** One event exactly as it is sent to PostHog's capture API (inside `{"api_key","batch":[...]}`). */
export const PostHogEventSchema = z.object({
  event: z.string().check(z.minLength(1)),
  distinct_id: z.string().check(z.minLength(1)),
  properties: z.record(z.string(), z.unknown()),
  timestamp: z.string(),
  uuid: z.uuid(),
});
export type PostHogEvent = z.infer<typeof PostHogEventSchema>;

/** What the intake response lists for each accepted event. */
export interface EventSummary {
  uuid: string;
  event: string;
  distinct_id: string;
}

export const summarize = (e: PostHogEvent): EventSummary => ({ uuid: e.uuid, event: e.event, distinct_id: e.distinct_id });
