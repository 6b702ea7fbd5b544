import { forkTs, nextMessage } from './processes.ts';
import type { CaptureStats } from './fake-capture.ts';

type Reply =
  | { type: 'ready'; url: string }
  | { type: 'reset' }
  | { type: 'down' }
  | { type: 'up' }
  | { type: 'count'; stats: CaptureStats }
  | { type: 'stats'; stats: CaptureStats; uuids: string[] };

/** Handle on the recording fake running in its own process (bench/fake-capture-process.ts). */
export interface FakeProcess {
  url: string;
  reset(): Promise<void>;
  stats(): Promise<{ stats: CaptureStats; uuids: string[] }>;
  /** The counters alone (cheap enough to poll during a drain). */
  count(): Promise<CaptureStats>;
  /** Starts (true) or ends (false) a PostHog outage: capture answers 503 meanwhile. */
  setDown(down: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeProcess(delayMs = 0): Promise<FakeProcess> {
  const child = forkTs('./fake-capture-process.ts', [String(delayMs)]);
  const next = <T extends Reply['type']>(type: T) =>
    nextMessage<Extract<Reply, { type: T }>>(child, `the fake PostHog process ("${type}")`, (m) => m.type === type, 600_000);
  const ready = await next('ready');
  return {
    url: ready.url,
    reset: async () => {
      const reply = next('reset');
      child.send('reset');
      await reply;
    },
    stats: async () => {
      const reply = next('stats');
      child.send('stats');
      const { stats, uuids } = await reply;
      return { stats, uuids };
    },
    count: async () => {
      const reply = next('count');
      child.send('count');
      return (await reply).stats;
    },
    setDown: async (down) => {
      const type = down ? 'down' : 'up';
      const reply = next(type);
      child.send(type);
      await reply;
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    },
  };
}
