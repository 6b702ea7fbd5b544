import { classifyKeyCheck, KEY_CHECK_DISTINCT_ID, keyCheckBody } from '#shared/posthog/key-check';
import { answerFlags } from '../support/fake-flags.ts';

const KNOWN = new Set(['phc_known']);

describe('the fake flags endpoint follows PostHog’s FlagRequest rules', () => {
  it.each([
    ['api_key alone', { api_key: 'phc_known', distinct_id: 'd' }, 200],
    ['token alone', { token: 'phc_known', distinct_id: 'd' }, 200],
    ['$token alone', { $token: 'phc_known', distinct_id: 'd' }, 200],
    ['token and api_key (serde: duplicate field `token`)', { token: 'phc_known', api_key: 'phc_known', distinct_id: 'd' }, 400],
    ['$token and api_key', { $token: 'phc_known', api_key: 'phc_known', distinct_id: 'd' }, 400],
    ['no distinct_id', { api_key: 'phc_known' }, 400],
    ['no key', { distinct_id: 'd' }, 401],
    ['an empty key', { api_key: '', distinct_id: 'd' }, 401],
    ['an unknown key', { api_key: 'phc_other', distinct_id: 'd' }, 401],
  ])('%s → %i', (_, body, status) => {
    expect(answerFlags(JSON.stringify(body), KNOWN).status).toBe(status);
  });

  it('refuses a body that is not JSON with 400', () => {
    expect(answerFlags('{"api_key":', KNOWN).status).toBe(400);
  });
});

describe('keyCheckBody', () => {
  it('carries the key in exactly one field, which the strict fake accepts', () => {
    const body = keyCheckBody('phc_known');
    expect(JSON.parse(body)).toEqual({ api_key: 'phc_known', distinct_id: KEY_CHECK_DISTINCT_ID });
    expect(answerFlags(body, KNOWN).status).toBe(200);
    expect(answerFlags(keyCheckBody('phc_other'), KNOWN).status).toBe(401);
  });
});

describe('classifyKeyCheck (what one flags answer means)', () => {
  it.each([
    [200, '', false, { status: 'valid' }],
    [401, 'invalid', false, { status: 'refused', httpStatus: 401, message: 'invalid' }],
    [403, '', false, { status: 'refused', httpStatus: 403, message: 'HTTP 403' }],
    [400, 'bad', false, { status: 'failed', httpStatus: 400, message: expect.stringContaining('malformed') }],
    [429, '', false, { status: 'failed', httpStatus: 429, message: '/flags/?v=2 could not answer: HTTP 429' }],
    [503, 'down', false, { status: 'failed', httpStatus: 503, message: '/flags/?v=2 could not answer: HTTP 503 down' }],
    [200, '', true, { status: 'unchecked', reason: 'local_sink', message: expect.stringContaining('local capture sink') }],
  ])('HTTP %i %j (local sink: %s)', (status, text, localSink, expected) => {
    expect(classifyKeyCheck('/flags/?v=2', status, text, localSink)).toEqual(expected);
  });

  it('tries the next route on 404', () => {
    expect(classifyKeyCheck('/flags/?v=2', 404, 'Not Found')).toBeUndefined();
  });
});
