/** A sliding-window request counter on an injected clock, as the vendors' throttles count (used by the fakes). */
export interface Window {
  /** Records a request at `now` if the window has room; else returns the ms until it has. */
  take(now: number): { ok: true } | { ok: false; waitMs: number };
  remaining(now: number): number;
}

export function slidingWindow(limit: number, windowMs: number): Window {
  let starts: number[] = [];
  const prune = (now: number) => {
    starts = starts.filter((t) => t > now - windowMs);
  };
  return {
    take: (now) => {
      prune(now);
      if (starts.length >= limit) return { ok: false, waitMs: (starts[starts.length - limit] as number) + windowMs - now };
      starts.push(now);
      return { ok: true };
    },
    remaining: (now) => {
      prune(now);
      return Math.max(0, limit - starts.length);
    },
  };
}
