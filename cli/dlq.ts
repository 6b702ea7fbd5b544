import { dispatch } from './args.ts';
import { DLQ_HELP } from './dlq-help.ts';
import { listDeadLetters } from './dlq-list.ts';
import { runRedrive } from './dlq-redrive.ts';
import type { CliDeps } from './io.ts';

export { DLQ_HELP };

/** `dlq list | redrive` (cli/dlq-list.ts, cli/dlq-redrive.ts). */
export function runDlq(argv: readonly string[], deps: CliDeps): Promise<number> {
  return dispatch('dlq', argv, deps, DLQ_HELP, { list: listDeadLetters, redrive: runRedrive });
}
