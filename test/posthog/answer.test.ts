import { loggableAnswer } from '#shared/posthog/answer';

// PostHog capture's error texts (PostHog/posthog rust/capture/src/api.rs, CaptureError) and what may be logged of them.
describe('loggableAnswer keeps the class of PostHog’s answer, never the detail', () => {
  it.each([
    ['failed to parse request: invalid type: string "ann@example.com", expected u64 at line 1 column 40', 'failed to parse request'],
    ['maximum event size exceeded', 'maximum event size exceeded'],
    ['transient error, please retry', 'transient error, please retry'],
    ['API key is not valid: phc_leaked_key_text', 'API key is not valid'],
    ['HTTP 502', 'HTTP 502'],
    [
      '{"type":"validation_error","code":"invalid_payload","detail":"ann@example.com is not valid","attr":"distinct_id"}',
      'validation_error/invalid_payload',
    ],
    ['{"detail":"ann@example.com"}', 'unrecognised answer'],
    ['<html><body>Bad Gateway for ann@example.com</body></html>', 'unrecognised answer'],
    ['ann@example.com', 'unrecognised answer'],
    ['', 'unrecognised answer'],
    ['x'.repeat(81), 'unrecognised answer'],
  ])('%j → %j', (text, expected) => {
    expect(loggableAnswer(text)).toEqual({ posthog_message: expected, posthog_message_chars: text.length });
  });
});
