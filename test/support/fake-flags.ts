/**
 * How PostHog's flags service answers a `/flags` (or `/decide`) request, as strictly as its source:
 * - the body is parsed as JSON, then deserialised into `FlagRequest`, whose `token` field carries the serde aliases
 *   `$token` and `api_key` (PostHog/posthog rust/feature-flags/src/flags/flag_request.rs). serde refuses a body
 *   holding two of them ("duplicate field `token`"), and `from_bytes` turns every such failure into
 *   `FlagError::RequestDecodingError("invalid JSON")`: HTTP 400.
 * - then `extract_distinct_id` (missing → `MissingDistinctId`, 400), `extract_token` (missing or empty →
 *   `NoTokenError`, 401) and `verify_token` (unknown → `TokenValidationError`, 401; flags/flag_service.rs), in the
 *   order rust/feature-flags/src/api/request_handler.rs calls them.
 */
export interface FlagsAnswer {
  status: number;
  body: Record<string, unknown>;
}

const TOKEN_ALIASES = ['token', '$token', 'api_key'] as const;

const error = (status: number, detail: string): FlagsAnswer => ({
  status,
  body: {
    type: status === 401 ? 'authentication_error' : 'validation_error',
    code: status === 401 ? 'invalid_api_key' : 'invalid_request',
    detail,
  },
});

/** `validKeys` empty: every non-empty key is known. */
export function answerFlags(raw: string, validKeys: ReadonlySet<string>): FlagsAnswer {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return error(400, 'Failed to decode request: invalid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(400, 'Failed to decode request: invalid JSON');
  const fields = body as Record<string, unknown>;
  const present = TOKEN_ALIASES.filter((alias) => Object.hasOwn(fields, alias));
  if (present.length > 1) return error(400, 'Failed to decode request: invalid JSON'); // serde: duplicate field `token`
  if (fields.distinct_id === undefined && fields.$distinct_id === undefined) return error(400, 'Missing distinct_id');
  const token = present[0] === undefined ? undefined : fields[present[0]];
  if (typeof token !== 'string' || token === '') return error(401, 'No API token provided');
  if (validKeys.size > 0 && !validKeys.has(token)) {
    return error(401, 'The provided API key is invalid or has expired. Please check your API key and try again.');
  }
  return { status: 200, body: { flags: {}, errorsWhileComputingFlags: false } };
}
