/** A fake clock: `sleep` advances time at once and records each wait, so limiters and backoff cost no real time. */
export interface FakeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  sleeps: number[];
  advance(ms: number): void;
}

export function createFakeClock(start = Date.parse('2026-11-23T12:00:00Z')): FakeClock {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += Math.max(0, ms);
    },
    sleeps,
    advance: (ms) => {
      time += ms;
    },
  };
}
