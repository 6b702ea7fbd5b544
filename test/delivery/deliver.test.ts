import { chunkBySize, type DeliverDeps, type Delivery, deliverAll, MIN_REQUEST_MS } from '#shared/delivery/deliver';
import type { SendResult } from '#shared/posthog/capture-client';

const item = (n: number, destination = 'https://eu.i.posthog.com', padding = ''): Delivery => {
  const event = {
    event: 'e',
    distinct_id: `u${n}`,
    properties: padding ? { padding } : {},
    timestamp: '2026-11-23T00:00:00.000Z',
    uuid: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  };
  return { id: `m${n}`, destination, event, json: JSON.stringify(event) };
};
const ok: SendResult = { ok: true, status: 200 };
const refuse = (status: number, kind: 'rejected' | 'retryable' | 'unauthorized', retryAfterMs?: number): SendResult => ({
  ok: false,
  kind,
  status,
  message: `HTTP ${status}`,
  retryAfterMs,
});

interface Call {
  destination: string;
  ids: string[];
  timeoutMs: number;
  at: number;
}

/** Deterministic deps: a clock that only moves when the code sleeps (or when `send` says a request took time). */
function deps(reply: (call: Call, index: number) => SendResult, options: { deadline?: number; requestMs?: number } = {}) {
  const slept: number[] = [];
  const calls: Call[] = [];
  let clock = 0;
  const d: DeliverDeps = {
    send: async (destination, json, timeoutMs) => {
      const call = {
        destination,
        ids: json.map((j) => String((JSON.parse(j) as { distinct_id: string }).distinct_id)),
        timeoutMs,
        at: clock,
      };
      calls.push(call);
      clock += options.requestMs ?? 0;
      return reply(call, calls.length - 1);
    },
    retry: { attempts: 3, baseMs: 100, capMs: 1_000 },
    requestTimeoutMs: 5_000,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    now: () => clock,
    deadline: options.deadline ?? 60_000,
  };
  return { d, slept, calls };
}

describe('deliverAll', () => {
  it('sends one request per destination and marks every item delivered', async () => {
    const { d, calls } = deps(() => ok);
    const outcomes = await deliverAll([item(1), item(2), item(3, 'https://us.i.posthog.com')], d);
    expect(calls.map((c) => `${c.destination}:${c.ids.length}`).sort()).toEqual([
      'https://eu.i.posthog.com:2',
      'https://us.i.posthog.com:1',
    ]);
    expect([...outcomes.values()].every((o) => o.status === 'delivered')).toBe(true);
  });

  it('sends each event exactly as queued, on every attempt', async () => {
    const bodies: string[][] = [];
    const { d } = deps(() => refuse(503, 'retryable'));
    d.send = async (_destination, json) => {
      bodies.push([...json]);
      return bodies.length < 3 ? refuse(503, 'retryable') : ok;
    };
    const items = [item(1), item(2)];
    await deliverAll(items, d);
    expect(bodies).toEqual([0, 1, 2].map(() => items.map((i) => i.json)));
  });

  it('splits a refused batch in halves until the poison event is alone, delivering the rest', async () => {
    const { d, calls } = deps((call) => (call.ids.includes('u3') ? refuse(400, 'rejected') : ok));
    const outcomes = await deliverAll(
      [1, 2, 3, 4, 5].map((n) => item(n)),
      d,
    );
    // [1..5] → [1,2,3] → [1,2] ok, [3] refused → [4,5] ok: the poison event rode in 3 requests.
    expect(calls.map((c) => c.ids.join(','))).toEqual(['u1,u2,u3,u4,u5', 'u1,u2,u3', 'u1,u2', 'u3', 'u4,u5']);
    expect(outcomes.get('m3')).toEqual({ status: 'rejected', attempts: 3, httpStatus: 400, message: 'HTTP 400' });
    for (const id of ['m1', 'm2', 'm4', 'm5']) expect(outcomes.get(id)?.status).toBe('delivered');
  });

  it('retries a transient failure with backoff, then reports it retryable after the last attempt', async () => {
    const { d, slept } = deps(() => refuse(503, 'retryable'));
    const outcomes = await deliverAll([item(1)], d);
    expect(outcomes.get('m1')).toEqual({
      status: 'retry',
      attempts: 3,
      httpStatus: 503,
      message: 'HTTP 503',
      unauthorized: false,
      retryAfterMs: undefined,
    });
    expect(slept).toEqual([50, 100]);
  });

  it('waits at least Retry-After before the next attempt and passes it on', async () => {
    const { d, slept } = deps((_call, index) => (index === 0 ? refuse(429, 'retryable', 1_000) : ok));
    const outcomes = await deliverAll([item(1)], d);
    expect(slept).toEqual([1_000]);
    expect(outcomes.get('m1')).toEqual({ status: 'delivered', attempts: 2 });
  });

  it('hands a 401 back to the queue at once: a wrong key is not fixed within seconds', async () => {
    const { d, calls, slept } = deps(() => refuse(401, 'unauthorized'));
    const outcomes = await deliverAll([item(1)], d);
    expect(calls).toHaveLength(1);
    expect(slept).toEqual([]);
    expect(outcomes.get('m1')).toMatchObject({ status: 'retry', unauthorized: true, httpStatus: 401, attempts: 1 });
  });

  it('never lets a request run past the deadline: its timeout shrinks, and no request starts too close to it', async () => {
    const { d, calls } = deps(() => refuse(503, 'retryable'), { deadline: 3_000, requestMs: 2_800 });
    d.random = () => 0;
    const outcomes = await deliverAll([item(1)], d);
    expect(calls.map((c) => ({ at: c.at, timeoutMs: c.timeoutMs }))).toEqual([{ at: 0, timeoutMs: 3_000 }]);
    expect(outcomes.get('m1')).toMatchObject({ status: 'retry', attempts: 1, httpStatus: 503 });
  });

  it('does not sleep past the deadline for a long Retry-After', async () => {
    const { d, calls, slept } = deps(() => refuse(429, 'retryable', 30_000), { deadline: 10_000 });
    const outcomes = await deliverAll([item(1)], d);
    expect(calls).toHaveLength(1);
    expect(slept).toEqual([]);
    expect(outcomes.get('m1')).toMatchObject({ status: 'retry', retryAfterMs: 30_000 });
  });

  it('makes no request at all when the deadline has already passed', async () => {
    const { d, calls } = deps(() => ok, { deadline: MIN_REQUEST_MS - 1 });
    const outcomes = await deliverAll([item(1)], d);
    expect(calls).toEqual([]);
    expect(outcomes.get('m1')).toMatchObject({ status: 'retry', attempts: 0, message: 'no time left in this invocation' });
  });
});

describe('chunkBySize', () => {
  it('keeps each request under the byte limit and never splits an event', () => {
    const items = [1, 2, 3, 4].map((n) => item(n, 'x', 'p'.repeat(400)));
    const size = Buffer.byteLength(items[0]?.json ?? '') + 1;
    expect(chunkBySize(items, size * 2).map((c) => c.map((i) => i.id))).toEqual([
      ['m1', 'm2'],
      ['m3', 'm4'],
    ]);
    expect(chunkBySize(items, 10).map((c) => c.length)).toEqual([1, 1, 1, 1]);
  });
});
