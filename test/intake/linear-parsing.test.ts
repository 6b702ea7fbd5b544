import { checkSync } from 'recheck';
import { handleIntake } from '#shared/intake/router';
import { HOSTILE_BODIES, type HostileBody } from '../../bench/hostile-bodies.ts';
import { intakeDeps, TOKEN } from '../connector/support/intake-deps.ts';
import { bearer, httpApiEvent } from '../support/events.ts';
import { countOps, installMeter, uninstallMeter } from '../support/op-meter.ts';

/**
 * Issue 19: every parser and check of a request body must be linear in its size. Each worst-case shape goes through
 * the whole intake (auth, body reader, lenient JSON, form and multipart readers, structure and template checks,
 * mapping, queue message) at n and 2n bytes, and the operations counted (test/support/op-meter.ts) may at most
 * double, give or take 10%: a quadratic step would make them four times as many. No clock is read.
 * Backtracking inside one regex match is the one thing a count of calls cannot see, so every regex that ran on a
 * long input is also checked by recheck (a ReDoS analyser: it proves a pattern's matching time linear or names
 * its degree).
 */
const N = 32 * 1024;
/** recheck's verdict on a pattern: `safe`, or its complexity (`polynomial` of a degree, `exponential`). */
const redos = (source: string, flags: string): string => {
  const verdict = checkSync(source, flags);
  if (verdict.status === 'safe') return 'safe';
  if (verdict.status !== 'vulnerable') return verdict.status;
  return verdict.complexity.type === 'polynomial' ? `polynomial ${verdict.complexity.degree}` : verdict.complexity.type;
};
const MAX_RATIO = 2.2;

async function send(shape: HostileBody, bytes: number) {
  const event = httpApiEvent({
    path: shape.path,
    body: shape.body(bytes),
    headers: { ...bearer(TOKEN), 'content-type': shape.contentType },
  });
  const deps = intakeDeps();
  let status = 0;
  const counted = await countOps(async () => {
    status = (await handleIntake(event, deps)).statusCode ?? 0;
  });
  return { ...counted, status };
}

beforeAll(installMeter);
afterAll(uninstallMeter);

describe('the meter sees quadratic code (so that a pass below means something)', () => {
  // The form reader before issue 19's fix: a field repeated n times copied its list on every repeat.
  const copyPerRepeat = (text: string) => {
    const out: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      const existing = out[key];
      out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    return out;
  };
  it('counts a copy per repeat as n²', async () => {
    const form = HOSTILE_BODIES[0] as HostileBody;
    const small = await countOps(() => copyPerRepeat(form.body(N)));
    const large = await countOps(() => copyPerRepeat(form.body(2 * N)));
    expect(large.ops / small.ops).toBeGreaterThan(3.5);
  });

  it('recheck names the regexes issue 19 found quadratic, and passes their replacements', () => {
    expect(redos(String.raw`\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}`, '')).toBe('polynomial 2');
    expect(redos(String.raw`content-disposition:[^\r\n]*;\s*name="([^"]*)"`, 'i')).toBe('polynomial 2');
    expect(redos(String.raw`\r?\n\r?\n`, '')).toBe('safe');
  });
});

describe.each(HOSTILE_BODIES)('$parser: $shape', (shape) => {
  it(`takes at most ${MAX_RATIO}× the operations for twice the body, and never a 5xx`, async () => {
    await send(shape, N / 4); // warm-up: schemas and caches built on first use are not the body's cost
    const small = await send(shape, N);
    const large = await send(shape, 2 * N);
    expect(small.status).toBeLessThan(500);
    expect(large.status).toBeLessThan(500);
    const ratio = large.ops / small.ops;
    const verdict = ratio <= MAX_RATIO ? 'linear' : `×${ratio.toFixed(2)}`;
    expect(`${verdict}: ${small.ops} operations at ${N} bytes, ${large.ops} at ${2 * N}`).toMatch(/^linear/);
    const unsafe = large.regexesOnLongInput
      .map((regex) => `${regex}: ${redos(regex.source, regex.flags)}`)
      .filter((verdict) => !verdict.endsWith(': safe'));
    expect(unsafe).toEqual([]);
  });
});
