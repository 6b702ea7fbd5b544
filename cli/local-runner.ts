import type { LocalDiscovery } from '../local/discovery.ts';
import { type CliDeps, CommandError } from './io.ts';

/** The running local runner (`npm start`), from the file it writes in the per-user state directory. */
export async function localRunner(deps: Pick<CliDeps, 'localRunner' | 'stderr'>): Promise<LocalDiscovery> {
  const discovered = await deps.localRunner();
  if ('found' in discovered) {
    if (discovered.tokenDropped)
      deps.stderr.write('warning: the local runner file is readable by other users, so its token was not used (chmod 600 it)\n');
    return discovered.found;
  }
  if (discovered.missing === 'stopped')
    throw new CommandError(
      `the local runner that wrote ${discovered.path} (pid ${discovered.pid}) is not running: start it with npm start`,
    );
  throw new CommandError(
    `no local runner found (${discovered.path} does not exist): start one with npm start, or pass --endpoint http://127.0.0.1:<port>`,
  );
}
