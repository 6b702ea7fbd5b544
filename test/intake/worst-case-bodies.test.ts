import fc from 'fast-check';
import { handleIntake } from '#shared/intake/router';
import { parseForm, parseMultipart, parseRequestBody } from '#shared/intake/request-body';
import { templateProblem } from '#shared/mapping/template-hygiene';
import { HOSTILE_BODIES } from '../../bench/hostile-bodies.ts';
import { intakeDeps, TOKEN } from '../connector/support/intake-deps.ts';
import { bearer, httpApiEvent } from '../support/events.ts';

/**
 * The shapes issue 19 found super-linear, at the sizes that took 9-12 s before the fix. They check the answers;
 * `npm run bench` is the place for how long they take.
 */
describe('worst-case bodies give the right answer', () => {
  it('a form repeating one field 40,000 times becomes one list of 40,000 values', () => {
    const form = parseForm(Array.from({ length: 40_000 }, (_, i) => `tag=${i}`).join('&'));
    expect(form.tag).toHaveLength(40_000);
    expect((form.tag as string[]).at(-1)).toBe('39999');
  });

  it('repeated nested form fields become lists too', () => {
    expect(parseForm('properties.tag=a&properties.tag=b&properties.tag=c')).toEqual({ properties: { tag: ['a', 'b', 'c'] } });
  });

  it('64 KiB of {{ is not an unrendered template; one closing }} makes it one', () => {
    const open = '{{'.repeat(32 * 1024 - 1);
    expect(templateProblem(open)).toBeUndefined();
    expect(templateProblem(`${open}}}`)).toBe('unrendered');
    expect(templateProblem('}} {{')).toBeUndefined();
    expect(templateProblem('a {% if x %} b')).toBe('unrendered');
    expect(templateProblem('{%}')).toBeUndefined();
  });

  it('a 500 KB multipart header full of ; is refused without a name, and a normal part still reads', () => {
    const header = `Content-Disposition: form-data${'; x'.repeat(125_000)}`;
    expect(parseMultipart(`--b\r\n${header}\r\n\r\nv\r\n--b--`, 'b')).toBeUndefined();
    const part = 'Content-Disposition: form-data; name="event"; filename="x"';
    expect(parseMultipart(`--b\r\n${part}\r\n\r\npurchase\r\n--b--`, 'b')).toEqual([['event', 'purchase']]);
  });
});

describe('the worst-case body of each parser at the size limit (1 MiB) gets a named answer (200, 400 or 413), never a 5xx', () => {
  it.each(HOSTILE_BODIES)('$parser: $shape', async (shape) => {
    const deps = intakeDeps();
    const body = shape.body(deps.config.maxBodyBytes);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(deps.config.maxBodyBytes);
    const event = httpApiEvent({ path: shape.path, body, headers: { ...bearer(TOKEN), 'content-type': shape.contentType } });
    const response = await handleIntake(event, deps);
    expect([200, 400, 413]).toContain(response.statusCode);
    expect(JSON.parse(response.body)).toHaveProperty('status', response.statusCode === 200 ? 'ok' : 'rejected');
    expect(deps.logger.lines).toHaveLength(1);
  });
});

describe('the body readers never throw (fast-check, fixed seed)', () => {
  const types = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b', 'text/plain', ''];
  it('answers every body with a value or a named 4xx', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom(...types), fc.boolean(), (body, contentType, base64) => {
        const result = parseRequestBody(
          { body: base64 ? Buffer.from(body).toString('base64') : body, isBase64Encoded: base64, contentType },
          1024,
        );
        if (!result.ok) expect([400, 413, 415]).toContain(result.status);
      }),
      { seed: 19, numRuns: 2_000 },
    );
  });
});
