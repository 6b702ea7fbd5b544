import { isQueryFlagOn } from '#shared/intake/http-response';
import { parseRetryAfter } from '#shared/lib/retry-policy';

describe('isQueryFlagOn (?dry_run, ?verify on every route)', () => {
  it.each([
    [undefined, false],
    ['', true],
    ['1', true],
    ['true', true],
    ['yes', true],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['no', false],
  ])('reads %j as %s', (value, expected) => {
    expect(isQueryFlagOn(value)).toBe(expected);
  });
});

describe('parseRetryAfter with a repeated header', () => {
  it('takes the first value', () => {
    expect(parseRetryAfter(['2', '30'], 0)).toBe(2_000);
    expect(parseRetryAfter([], 0)).toBeUndefined();
  });
});
