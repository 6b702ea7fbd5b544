import * as z from 'zod/mini';
import { DELIVERING, type DeliveryState } from './outage.ts';

/**
 * Where the breaker's state lives, shared by the forwarder (which pauses), the prober (which probes, resumes and
 * enforces the pause on the event source) and the CLI (status, pause, resume): a tag of the main queue, in AWS and
 * locally alike (shared/platform/queue-tag-switch.ts).
 */
export interface DeliverySwitch {
  read(): Promise<DeliveryState>;
  write(state: DeliveryState): Promise<void>;
}

const CauseSchema = z.enum(['unreachable', 'key_refused', 'operator']);
const DeliveryStateSchema: z.ZodMiniType<DeliveryState> = z.union([
  z.object({ status: z.literal('delivering') }),
  z.object({
    status: z.literal('paused'),
    cause: CauseSchema,
    since: z.number(),
    nextProbeAt: z.number(),
    lastError: z.optional(z.string()),
  }),
]) as z.ZodMiniType<DeliveryState>;

/** Reads a stored state; anything unreadable counts as delivering (a broken parameter must not stop delivery). */
export function parseDeliveryState(text: string | undefined): DeliveryState {
  if (!text) return DELIVERING;
  try {
    const parsed = DeliveryStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : DELIVERING;
  } catch {
    return DELIVERING;
  }
}
