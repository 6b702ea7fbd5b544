import { fork } from 'node:child_process';

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
  const server = fork(new URL('./e2e-server.ts', import.meta.url).pathname, [captureUrl], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const next = <T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ServerMessage) => {
        if (message.type !== type) return;
        server.off('message', onMessage);
        server.off('exit', onExit);
        resolve(message as Extract<ServerMessage, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the local runner exited (code ${code}) before "${type}":\n${stderr}`));
      server.on('message', onMessage);
      server.once('exit', onExit);
    });
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
