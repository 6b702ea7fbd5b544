import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * How `--local` commands find the running local runner without copying anything from its banner: `npm start`
 * writes this file into a per-user state directory and removes it when it stops.
 * The directory is 0700 and the files 0600 (like ~/.aws/credentials), so the local webhook token may be kept there;
 * a reader ignores the token if the file has become readable by others.
 */
export interface LocalDiscovery {
  pid: number;
  /** The intake, e.g. http://127.0.0.1:3000 */
  url: string;
  token: string | undefined;
  sqsEndpoint: string;
  queueUrl: string;
  dlqUrl: string;
  startedAt: string;
}

/** `$MOENGAGE_POSTHOG_STATE_DIR`, else `$XDG_STATE_HOME/moengage-posthog`, else `~/.local/state/moengage-posthog`. */
export function stateDir(env: NodeJS.ProcessEnv): string {
  if (env.MOENGAGE_POSTHOG_STATE_DIR) return env.MOENGAGE_POSTHOG_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'moengage-posthog');
}

export const discoveryFile = (dir: string): string => join(dir, 'local-runner.json');
const tokenFile = (dir: string): string => join(dir, 'local-token');

/** Writes a file only its owner can read, atomically (a reader never sees half of it). */
async function writePrivate(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}

export async function writeDiscovery(dir: string, info: LocalDiscovery): Promise<string> {
  const path = discoveryFile(dir);
  await writePrivate(path, `${JSON.stringify(info, null, 2)}\n`);
  return path;
}

/** Removes the file if it is still this runner's (a second runner may have replaced it). */
export async function removeDiscovery(dir: string, pid: number): Promise<void> {
  const current = await readFile(discoveryFile(dir), 'utf8').catch(() => undefined);
  if (current !== undefined && (JSON.parse(current) as Partial<LocalDiscovery>).pid === pid)
    await unlink(discoveryFile(dir)).catch(() => {});
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export type Discovered = { found: LocalDiscovery; tokenDropped: boolean } | { missing: 'none' | 'stopped'; path: string; pid?: number };

/** The running local runner, or why there is none (no file, or the process that wrote it is gone). */
export async function readDiscovery(dir: string): Promise<Discovered> {
  const path = discoveryFile(dir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { missing: 'none', path };
  }
  const info = JSON.parse(text) as LocalDiscovery;
  if (!alive(info.pid)) return { missing: 'stopped', path, pid: info.pid };
  const shared = ((await stat(path)).mode & 0o077) !== 0;
  return { found: shared ? { ...info, token: undefined } : info, tokenDropped: shared && info.token !== undefined };
}

/**
 * The local webhook token: generated once and kept in the state directory, so it stays the same across restarts
 * (MoEngage test connectors and scripts keep working).
 */
export async function persistentLocalToken(dir: string): Promise<string> {
  const path = tokenFile(dir);
  const existing = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (existing) return existing;
  const token = randomBytes(18).toString('base64url');
  await writePrivate(path, `${token}\n`);
  return token;
}
