import { backoffDelay, parseRetryAfter } from '#shared/lib/retry-policy';
import { MAX_RETRY_VISIBILITY_SECONDS, retryVisibilitySeconds } from '#shared/delivery/visibility';

const policy = { attempts: 4, baseMs: 200, capMs: 1_000 };

describe('backoffDelay (exponential, full jitter, Retry-After as a floor)', () => {
  it.each([
    // attempt, random, retryAfterMs, expected ms
    [1, 0, undefined, 0],
    [1, 0.5, undefined, 100],
    [1, 0.999, undefined, 199],
    [2, 0.5, undefined, 200],
    [3, 0.5, undefined, 400],
    [4, 0.5, undefined, 500], // ceiling capped at 1 000
    [9, 0.999, undefined, 999],
    [1, 0.5, 1_000, 1_000], // Retry-After: 1 wins over a shorter jitter
    [4, 0.999, 300, 999], // a jitter longer than Retry-After is kept
    [2, 0, 0, 0],
  ])('attempt %i with random %f and Retry-After %p waits %i ms', (attempt, random, retryAfterMs, expected) => {
    expect(backoffDelay(policy, attempt, () => random, retryAfterMs)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T10:00:00.000Z');
  it.each([
    ['1', 1_000],
    [' 30 ', 30_000],
    ['0', 0],
    ['Mon, 23 Nov 2026 10:00:05 GMT', 5_000],
    ['Mon, 23 Nov 2026 09:59:00 GMT', 0], // a date in the past means "now"
    ['', undefined],
    ['soon', undefined],
    ['-1', undefined],
    ['1.5', undefined],
  ])('reads %p as %p ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
  it('reads a missing header as undefined', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('retryVisibilitySeconds (visibility of a record handed back to SQS)', () => {
  const visibility = { baseSeconds: 60, capSeconds: MAX_RETRY_VISIBILITY_SECONDS };
  it.each([
    // receive count, random, retryAfterMs, expected seconds
    [1, 0, undefined, 30],
    [1, 0.99999, undefined, 60],
    [2, 0.99999, undefined, 120],
    [3, 0, undefined, 120],
    [3, 0.99999, undefined, 240],
    [8, 0.99999, undefined, 7_680],
    [12, 0.99999, undefined, MAX_RETRY_VISIBILITY_SECONDS],
    [1_000, 0.99999, undefined, MAX_RETRY_VISIBILITY_SECONDS], // no overflow for absurd counts
    [1_000, 0, undefined, MAX_RETRY_VISIBILITY_SECONDS / 2], // jitter still spreads records at the cap
    [1, 0, 90_000, 90], // never shorter than Retry-After
    [1, 0, 100_000_000, MAX_RETRY_VISIBILITY_SECONDS], // but never beyond SQS's limit
    [Number.NaN, 0.99999, undefined, 60], // an unreadable count counts as the first receive
    [0, 0.99999, undefined, 60],
  ])('receive %p with random %f and Retry-After %p → %i s', (receiveCount, random, retryAfterMs, expected) => {
    expect(retryVisibilitySeconds(visibility, receiveCount, () => random, retryAfterMs)).toBe(expected);
  });

  it('grows with each receive and always stays within SQS 12-hour limit', () => {
    let previous = 0;
    for (let receive = 1; receive <= 20; receive++) {
      const seconds = retryVisibilitySeconds(visibility, receive, () => 0.99999);
      expect(seconds).toBeGreaterThanOrEqual(previous);
      expect(seconds).toBeLessThanOrEqual(43_200);
      previous = seconds;
    }
  });

  it('honours a smaller configured cap', () => {
    expect(retryVisibilitySeconds({ baseSeconds: 1, capSeconds: 8 }, 10, () => 0.99999)).toBe(8);
  });
});
