import { readFileSync } from 'node:fs';
import { handleIntake } from '#shared/intake/router';
import { MOENGAGE_RECIPE_RENDERED } from '../connector/fixtures/cases.ts';
import { intakeDeps, TOKEN } from '../connector/support/intake-deps.ts';
import { bearer, functionUrlEvent, httpApiEvent } from '../support/events.ts';

const STREAMS_BATCH = readFileSync(new URL('../fixtures/streams/batch.json', import.meta.url), 'utf8');

/** `-c endpoint=functionUrl`: the intake answers a function URL's event exactly as the HTTP API's (infra/front.ts). */
describe('the intake behind a Lambda function URL', () => {
  it.each([
    ['a connector request', { path: '/v1/connector', body: MOENGAGE_RECIPE_RENDERED, headers: bearer(TOKEN) }],
    ['a Streams batch', { path: '/v1/streams', body: STREAMS_BATCH, headers: bearer(TOKEN) }],
    ['a dry run', { path: '/v1/connector', body: MOENGAGE_RECIPE_RENDERED, headers: bearer(TOKEN), query: { dry_run: '1' } }],
    ['a wrong token', { path: '/v1/connector', body: MOENGAGE_RECIPE_RENDERED, headers: bearer('wrong-token-123') }],
    ['no token', { path: '/v1/connector', body: MOENGAGE_RECIPE_RENDERED }],
    ['the health check', { method: 'GET', path: '/v1/health' }],
    ['an unknown route', { method: 'GET', path: '/v1/other', headers: bearer(TOKEN) }],
  ])('%s: same status, body, headers and queued events as through the HTTP API', async (_name, request) => {
    const viaApi = intakeDeps();
    const viaUrl = intakeDeps();
    const api = await handleIntake(httpApiEvent(request), viaApi);
    const url = await handleIntake(functionUrlEvent(httpApiEvent(request)), viaUrl);
    expect(url).toEqual(api);
    expect(viaUrl.queue.messages).toEqual(viaApi.queue.messages);
  });
});
