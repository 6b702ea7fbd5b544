import { type ChildProcess, fork } from 'node:child_process';

/** Helpers for benchmarks that run their parts in processes of their own (forked with tsx and an IPC channel). */

/** What each forked process has written to stderr so far: quoted when it exits before answering. */
const stderrOf = new WeakMap<ChildProcess, string>();

/**
 * Forks a bench module next to this one; its stdout is ignored (the forwarder writes EMF there), its stderr kept for
 * `nextMessage`'s errors and shown unless `quiet`.
 */
export const forkTs = (file: string, args: string[], options: { quiet?: boolean } = {}): ChildProcess => {
  const child = fork(new URL(file, import.meta.url).pathname, args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  stderrOf.set(child, '');
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrOf.set(child, `${stderrOf.get(child) ?? ''}${chunk.toString('utf8')}`);
    if (!options.quiet) process.stderr.write(chunk);
  });
  return child;
};

/** The first IPC message of `child` that `accept` takes, or an error naming what never came. */
export function nextMessage<T>(child: ChildProcess, what: string, accept: (m: T) => boolean = () => true, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${what}: nothing within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: unknown) => {
      if (accept(message as T)) done(undefined, message as T);
    };
    const onExit = (code: number | null) =>
      done(new Error(`${what}: the process exited (code ${code}) first${stderrOf.get(child) ? `:\n${stderrOf.get(child)}` : ''}`));
    const done = (error?: Error, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns something, or fails naming what never happened. */
export async function until<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (let found = check(); ; found = check()) {
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(50);
  }
}
