import { type Attributes, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { SendResult } from '../posthog/capture-client.ts';
import { LIB_NAME } from '../mapping/library.ts';

/**
 * The tracer the forwarder records its PostHog requests with: OpenTelemetry's global one, a no-op until an SDK
 * registers a provider. With `-c tracing=true` the stack adds AWS's OpenTelemetry Lambda layer, whose SDK registers
 * it (the API finds it through its process-wide registry, so the copy bundled here and the layer's agree); without
 * it every span is a non-recording one that costs a few object allocations.
 */
export const deliveryTracer = (): Tracer => trace.getTracer(LIB_NAME);

/** One POST to PostHog's /batch/ as the span records it. */
export interface RequestFacts {
  destination: string;
  /** The events' JSON as sent (before gzip): counted, and its bytes measured, only when the span records. */
  json: readonly string[];
  /** Requests that carried these events in this invocation so far, this one included. */
  attempt: number;
}

/**
 * Runs one PostHog request inside a client span named `POST /batch/`, with OpenTelemetry's HTTP attribute names
 * (opentelemetry.io/docs/specs/semconv/http/http-spans/) where one fits and `posthog.*` for the rest. The span
 * never carries the project key (it travels in the body, which is not recorded) or any event's content.
 */
export async function traceRequest(tracer: Tracer, facts: RequestFacts, send: () => Promise<SendResult>): Promise<SendResult> {
  return tracer.startActiveSpan('POST /batch/', { kind: SpanKind.CLIENT }, async (span) => {
    // Untraced (the default) the span records nothing: skip measuring what it would not keep on the forwarder's hot path.
    const recording = span.isRecording();
    if (recording) span.setAttributes(requestAttributes(facts));
    try {
      const result = await send();
      if (recording) span.setAttributes(resultAttributes(result));
      if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: result.failure ?? `HTTP ${result.status}` });
      return result;
    } finally {
      span.end();
    }
  });
}

/** Where the request went and what it carried. */
function requestAttributes(facts: RequestFacts): Attributes {
  const url = new URL(`${facts.destination.replace(/\/+$/, '')}/batch/`);
  return {
    'http.request.method': 'POST',
    'server.address': url.hostname,
    'url.path': url.pathname,
    'posthog.events': facts.json.length,
    'posthog.json_bytes': facts.json.reduce((bytes, text) => bytes + Buffer.byteLength(text), 0),
    'posthog.attempt': facts.attempt,
  };
}

/** What came back: the status (when one did), the outcome, and for no answer whether it timed out. */
function resultAttributes(result: SendResult): Attributes {
  if (result.ok) return { 'http.response.status_code': result.status, 'posthog.outcome': 'delivered' };
  const attributes: Attributes = { 'posthog.outcome': result.kind };
  if (result.status !== undefined) {
    attributes['http.response.status_code'] = result.status;
    attributes['error.type'] = String(result.status);
  } else attributes['error.type'] = result.failure ?? 'network';
  if (result.retryAfterMs !== undefined) attributes['posthog.retry_after_ms'] = result.retryAfterMs;
  return attributes;
}
