/** At most `limit` acquisitions in any window of `windowMs` (a sliding-window log), on an injected clock. */
export interface RateLimiter {
  /** Waits (through the injected `sleep`) until a request may start, then records it. */
  acquire(): Promise<void>;
}

export interface RateLimiterDeps {
  limit: number;
  windowMs: number;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** How long to wait before the next request may start, given the start times in the window (pure). */
export function waitBeforeNext(starts: readonly number[], limit: number, windowMs: number, now: number): number {
  const inWindow = starts.filter((t) => t > now - windowMs);
  if (inWindow.length < limit) return 0;
  const oldestThatMustExpire = inWindow[inWindow.length - limit] as number;
  return oldestThatMustExpire + windowMs - now;
}

export function createRateLimiter(deps: RateLimiterDeps): RateLimiter {
  if (!Number.isInteger(deps.limit) || deps.limit < 1) throw new RangeError(`rate limit must be a positive integer, got ${deps.limit}`);
  let starts: number[] = [];
  let chain: Promise<void> = Promise.resolve();
  const take = async () => {
    for (;;) {
      const now = deps.now();
      starts = starts.filter((t) => t > now - deps.windowMs);
      const wait = waitBeforeNext(starts, deps.limit, deps.windowMs, now);
      if (wait <= 0) {
        starts.push(now);
        return;
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
  };
}
