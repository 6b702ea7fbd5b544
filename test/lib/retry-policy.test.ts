import { parseRetryAfter } from '#shared/lib/retry-policy';

describe('parseRetryAfter with a repeated header', () => {
  it('takes the first value', () => {
    expect(parseRetryAfter(['2', '30'], 0)).toBe(2_000);
    expect(parseRetryAfter([], 0)).toBeUndefined();
  });
});
