import { type DeliverDeps, type Delivery, deliverAll } from '#shared/deliver';
import type { SendResult } from '#shared/posthog-client';

const item = (n: number, destination = 'https://eu.i.posthog.com'): Delivery => ({
  id: `m${n}`,
  destination,
  event: {
    event: 'e',
    distinct_id: `u${n}`,
    properties: {},
    timestamp: '2026-11-23T00:00:00.000Z',
    uuid: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  },
});
const ok: SendResult = { ok: true, status: 200 };
const refuse = (status: number, kind: 'rejected' | 'retryable' | 'unauthorized'): SendResult => ({
  ok: false,
  kind,
  status,
  message: `HTTP ${status}`,
  retryAfterMs: undefined,
});

function deps(send: DeliverDeps['send']): DeliverDeps & { slept: number[] } {
  const slept: number[] = [];
  let clock = 0;
  return {
    send,
    retry: { attempts: 3, baseMs: 100, capMs: 1_000 },
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    now: () => clock,
    deadline: 60_000,
    slept,
  };
}

describe('deliverAll', () => {
  it('sends one request per destination and marks every item delivered', async () => {
    const calls: string[] = [];
    const d = deps(async (destination, events) => {
      calls.push(`${destination}:${events.length}`);
      return ok;
    });
    const outcomes = await deliverAll([item(1), item(2), item(3, 'https://us.i.posthog.com')], d);
    expect(calls.sort()).toEqual(['https://eu.i.posthog.com:2', 'https://us.i.posthog.com:1']);
    expect([...outcomes.values()].every((o) => o.status === 'delivered')).toBe(true);
  });

  it('splits a refused batch in halves until the poison event is alone, delivering the rest', async () => {
    const d = deps(async (_destination, events) => (events.some((e) => e.distinct_id === 'u3') ? refuse(400, 'rejected') : ok));
    const outcomes = await deliverAll(
      [1, 2, 3, 4, 5].map((n) => item(n)),
      d,
    );
    expect(outcomes.get('m3')).toEqual({ status: 'rejected', attempts: 1, httpStatus: 400, message: 'HTTP 400' });
    for (const id of ['m1', 'm2', 'm4', 'm5']) expect(outcomes.get(id)?.status).toBe('delivered');
  });

  it('retries a transient failure with backoff, then reports it retryable after the last attempt', async () => {
    const d = deps(async () => refuse(503, 'retryable'));
    const outcomes = await deliverAll([item(1)], d);
    expect(outcomes.get('m1')).toEqual({ status: 'retry', attempts: 3, httpStatus: 503, message: 'HTTP 503', unauthorized: false });
    expect(d.slept).toEqual([50, 100]);
  });
});
