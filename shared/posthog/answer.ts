/**
 * What of PostHog's error answer may be logged. Capture answers errors as plain text in its own fixed wording, some
 * with a detail after ": " that can echo the event: `#[error("failed to parse request: {0}")]` carries a serde_json
 * error, which quotes the value it could not read (PostHog/posthog `rust/capture/src/api.rs`, `CaptureError` and its
 * `IntoResponse`). PostHog's Django endpoints answer JSON `{"type","code","detail","attr"}`. Kept: the wording before
 * the first ": " when it reads as wording (letters, digits, a little punctuation, at most 80 characters), or the JSON
 * `type`/`code`; plus the answer's length. Never the detail: an operator finds the full answer in the DLQ message's
 * attributes (`npx moengage-posthog dlq list`), not in the logs.
 */
export interface LoggableAnswer {
  /** PostHog's error class ("failed to parse request", "validation_error/invalid_payload") or "unrecognised answer". */
  posthog_message: string;
  posthog_message_chars: number;
}

const WORDING = /^[A-Za-z][A-Za-z0-9 ,.:'()_-]{0,79}$/;
const CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;

export function loggableAnswer(text: string): LoggableAnswer {
  return { posthog_message: errorClass(text.trim()), posthog_message_chars: text.length };
}

function errorClass(text: string): string {
  if (text.startsWith('{')) {
    const fields = jsonCodes(text);
    if (fields.length > 0) return fields.join('/');
  }
  const head = text.split(': ', 1)[0] ?? '';
  return WORDING.test(head) ? head : 'unrecognised answer';
}

function jsonCodes(text: string): string[] {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    return [value.type, value.code].filter((v): v is string => typeof v === 'string' && CODE.test(v));
  } catch {
    return [];
  }
}
