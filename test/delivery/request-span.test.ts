import { SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type Delivery, deliverAll } from '#shared/delivery/deliver';
import type { SendResult } from '#shared/posthog/capture-client';
import { type Harness, makeEvent, startHarness } from './harness.ts';

/** A real OpenTelemetry SDK tracer whose finished spans land in memory (what the Lambda layer's SDK would export). */
function recordingTracer() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider, tracer: provider.getTracer('test') };
}

const item = (n: number): Delivery => {
  const event = makeEvent(n);
  return { id: `m${n}`, event, json: JSON.stringify(event), destination: 'https://eu.i.posthog.com' };
};

/** deliverAll with PostHog's answers scripted in order, recording spans with `tracer`. */
async function deliverScripted(items: Delivery[], answers: SendResult[], tracer: Tracer) {
  const sent: number[] = [];
  await deliverAll(items, {
    send: async (_destination, json) => {
      sent.push(json.length);
      const answer = answers.shift();
      if (!answer) throw new Error('no answer scripted for this request');
      return answer;
    },
    retry: { attempts: 3, baseMs: 1, capMs: 1 },
    requestTimeoutMs: 1_000,
    sleep: async () => undefined,
    random: () => 0,
    now: () => 0,
    deadline: 60_000,
    tracer,
  });
  return sent;
}

const facts = (span: ReadableSpan) => ({
  name: span.name,
  kind: span.kind,
  status: span.status.code,
  attributes: span.attributes,
});

const unavailable: SendResult = { ok: false, kind: 'retryable', status: 503, message: 'x', retryAfterMs: 2_000 };
const rejected: SendResult = { ok: false, kind: 'rejected', status: 400, message: 'failed to parse request', retryAfterMs: undefined };
const timedOut: SendResult = { ok: false, kind: 'retryable', status: undefined, message: 't', retryAfterMs: undefined, failure: 'timeout' };

describe('each PostHog request is a client span (shared/delivery/request-span.ts)', () => {
  const two = [item(1), item(2)];
  const jsonBytes = two.reduce((n, d) => n + Buffer.byteLength(d.json), 0);
  const base = { 'http.request.method': 'POST', 'server.address': 'eu.i.posthog.com', 'url.path': '/batch/' };

  it('records a delivered batch: host, path, events, bytes, attempt, status', async () => {
    const { exporter, tracer } = recordingTracer();
    await deliverScripted(two, [{ ok: true, status: 200 }], tracer);
    expect(exporter.getFinishedSpans().map(facts)).toEqual([
      {
        name: 'POST /batch/',
        kind: SpanKind.CLIENT,
        status: SpanStatusCode.UNSET,
        attributes: {
          ...base,
          'posthog.events': 2,
          'posthog.json_bytes': jsonBytes,
          'posthog.attempt': 1,
          'http.response.status_code': 200,
          'posthog.outcome': 'delivered',
        },
      },
    ]);
  });

  it('records a 503 and its retry as two spans, the first an error with the Retry-After it got', async () => {
    const { exporter, tracer } = recordingTracer();
    await deliverScripted(two, [unavailable, { ok: true, status: 200 }], tracer);
    const spans = exporter.getFinishedSpans().map(facts);
    expect(spans.map((s) => [s.attributes['posthog.attempt'], s.attributes['http.response.status_code'], s.status])).toEqual([
      [1, 503, SpanStatusCode.ERROR],
      [2, 200, SpanStatusCode.UNSET],
    ]);
    expect(spans[0]?.attributes).toMatchObject({ 'error.type': '503', 'posthog.outcome': 'retryable', 'posthog.retry_after_ms': 2_000 });
  });

  it('records the halves of a refused batch down to the event PostHog refuses (dead-lettered)', async () => {
    const { exporter, tracer } = recordingTracer();
    const sent = await deliverScripted(two, [rejected, rejected, { ok: true, status: 200 }], tracer);
    expect(sent).toEqual([2, 1, 1]);
    expect(
      exporter
        .getFinishedSpans()
        .map((s) => [s.attributes['posthog.events'], s.attributes['posthog.attempt'], s.attributes['posthog.outcome'], s.status.code]),
    ).toEqual([
      [2, 1, 'rejected', SpanStatusCode.ERROR],
      [1, 2, 'rejected', SpanStatusCode.ERROR],
      [1, 2, 'delivered', SpanStatusCode.UNSET],
    ]);
  });

  it('records a request that got no answer by how it failed, without a status code', async () => {
    const { exporter, tracer } = recordingTracer();
    await deliverScripted([item(1)], [timedOut, { ok: true, status: 200 }], tracer);
    const first = exporter.getFinishedSpans()[0];
    expect(first?.attributes).toMatchObject({ 'error.type': 'timeout', 'posthog.outcome': 'retryable' });
    expect(first?.attributes).not.toHaveProperty('http.response.status_code');
    expect(first?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'timeout' });
  });
});

// The forwarder as deployed takes no tracer: it records through OpenTelemetry's global one, which the Lambda layer's
// SDK registers. Here a real SDK provider is registered the same way, and the real forwarder delivers through
// fauxqs to the fake PostHog.
describe('the forwarder records through the global tracer provider, as under the OpenTelemetry Lambda layer', () => {
  let harness: Harness | undefined;
  const { exporter, provider } = recordingTracer();
  beforeAll(() => {
    expect(trace.setGlobalTracerProvider(provider)).toBe(true);
  });
  afterAll(async () => {
    await harness?.stop();
    trace.disable();
  });

  it('makes one span per PostHog request, naming the fake PostHog and never the project key', async () => {
    harness = await startHarness({ behaviour: (_request, index) => (index === 0 ? { status: 503, body: 'busy' } : {}) });
    await harness.enqueue([makeEvent(1), makeEvent(2), makeEvent(3)]);
    harness.start();
    await harness.drained(20_000);
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBe(harness.posthog.requests.length);
    expect(spans.map((s) => s.attributes['http.response.status_code'])).toEqual([503, 200]);
    expect(new Set(spans.map((s) => s.attributes['server.address']))).toEqual(new Set([new URL(harness.posthog.url).hostname]));
    expect(spans.reduce((n, s) => n + (s.status.code === SpanStatusCode.UNSET ? Number(s.attributes['posthog.events']) : 0), 0)).toBe(3);
    expect(JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, status: s.status })))).not.toContain(
      'phc_forwarder_test',
    );
  });
});
