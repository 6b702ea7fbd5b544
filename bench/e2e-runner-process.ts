import { forkTs, nextMessage } from './processes.ts';

type ServerMessage = { type: 'ready'; url: string; token: string } | { type: 'cpu'; seconds: number };

/** The local runner in its own process (bench/e2e-server.ts), driven over IPC: its address, its CPU, its end. */
export interface RunnerProcess {
  /** Waits for the runner to listen; its address and the token it accepts. */
  ready(): Promise<{ url: string; token: string }>;
  /** CPU seconds the runner's process has used so far (user + system). */
  cpu(): Promise<number>;
  /** Asks the runner to close, then kills it if it has not exited within 10 s. */
  close(): Promise<void>;
}

export const startRunnerProcess = (captureUrl: string): RunnerProcess => {
  const server = forkTs('./e2e-server.ts', [captureUrl], { quiet: true });
  const next = <T extends ServerMessage['type']>(type: T) =>
    nextMessage<Extract<ServerMessage, { type: T }>>(server, `the local runner ("${type}")`, (m) => m.type === type, 600_000);
  return {
    ready: () => next('ready'),
    cpu: async () => {
      const reply = next('cpu');
      server.send('cpu');
      return (await reply).seconds;
    },
    close: async () => {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.send('close');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (server.exitCode === null) server.kill();
    },
  };
};
