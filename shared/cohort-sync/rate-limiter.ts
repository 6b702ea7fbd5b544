/**
 * At most `limit` acquisitions in any window of `windowMs` for each window (a sliding-window log), on an injected
 * clock. The log can start from a saved history (the requests earlier runs made) so that an hourly budget holds
 * across runs, and a wait longer than `maxWaitMs` fails instead of holding a Lambda for most of an hour.
 */
export interface RateLimiter {
  /** Waits (through the injected `sleep`) until a request may start, then records it. */
  acquire(): Promise<void>;
  /** Start times still inside the longest window (to save for the next run). */
  history(): number[];
}

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface RateLimiterDeps {
  windows: readonly RateWindow[];
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Start times of earlier requests (e.g. from the saved budget state). */
  history?: readonly number[];
  /** A longer wait throws BudgetExhaustedError. Default: no limit. */
  maxWaitMs?: number;
  /** Names the budget in the error ("PostHog persons API"). */
  name?: string;
}

export class BudgetExhaustedError extends Error {
  override name = 'BudgetExhaustedError';
}

/** How long to wait before the next request may start, given the start times in the window (pure). */
export function waitBeforeNext(starts: readonly number[], limit: number, windowMs: number, now: number): number {
  const inWindow = starts.filter((t) => t > now - windowMs);
  if (inWindow.length < limit) return 0;
  const oldestThatMustExpire = inWindow[inWindow.length - limit] as number;
  return oldestThatMustExpire + windowMs - now;
}

export function createRateLimiter(deps: RateLimiterDeps): RateLimiter {
  for (const w of deps.windows) {
    if (!Number.isInteger(w.limit) || w.limit < 1) throw new RangeError(`rate limit must be a positive integer, got ${w.limit}`);
  }
  const longest = Math.max(...deps.windows.map((w) => w.windowMs));
  let starts = [...(deps.history ?? [])].sort((a, b) => a - b);
  let chain: Promise<void> = Promise.resolve();
  const take = async () => {
    for (;;) {
      const now = deps.now();
      starts = starts.filter((t) => t > now - longest);
      const wait = Math.max(...deps.windows.map((w) => waitBeforeNext(starts, w.limit, w.windowMs, now)));
      if (wait <= 0) {
        starts.push(now);
        return;
      }
      if (deps.maxWaitMs !== undefined && wait > deps.maxWaitMs) {
        const budget = deps.windows.find((w) => waitBeforeNext(starts, w.limit, w.windowMs, now) === wait);
        throw new BudgetExhaustedError(
          `${deps.name ?? 'request'} budget of ${budget?.limit} per ${(budget?.windowMs ?? 0) / 60_000} min is spent until ${new Date(now + wait).toISOString()}; the next run continues`,
        );
      }
      await deps.sleep(wait);
    }
  };
  return {
    // Callers are served one at a time, in order.
    acquire: () => {
      const next = chain.then(take);
      chain = next.catch(() => undefined);
      return next;
    },
    history: () => [...starts],
  };
}
