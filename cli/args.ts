import { parseArgs, type ParseArgsConfig } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { type CliDeps, CommandError, Answered, UsageError } from './io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What `--version` prints, on every command. */
export const VERSION_LINE = `moengage-posthog ${pkg.version}\n`;

/** Flags every command takes: they print and exit 0 before the command runs. */
const COMMON = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } } as const;

/**
 * The one argument parser of the CLI (node:util parseArgs, strict): errors become UsageError (exit code 2), and
 * `--help`/`-h` and `--version` answer on stdout with exit code 0 wherever they appear.
 */
export function parse<O extends Options>(argv: readonly string[], options: O, help: string, allowPositionals = false) {
  const parsed = parseStrict(argv, options, help, allowPositionals);
  const common = parsed.values as { help?: boolean; version?: boolean };
  if (common.help) throw new Answered(help);
  if (common.version) throw new Answered(VERSION_LINE);
  return parsed;
}

function parseStrict<O extends Options>(argv: readonly string[], options: O, help: string, allowPositionals: boolean) {
  try {
    return parseArgs({ args: [...argv], options: { ...options, ...COMMON }, allowPositionals, strict: true });
  } catch (error) {
    // An unknown option next to --help still shows the help.
    if (argv.includes('--help') || argv.includes('-h')) throw new Answered(help);
    if (argv.includes('--version')) throw new Answered(VERSION_LINE);
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

type Handler = (argv: readonly string[], deps: CliDeps) => Promise<number>;

/** `<command> <action> …`: the action's handler, or help/version/a usage error when there is none. */
export function dispatch(
  command: string,
  argv: readonly string[],
  deps: CliDeps,
  help: string,
  actions: Record<string, Handler>,
): Promise<number> {
  const [action, ...rest] = argv;
  const names = Object.keys(actions);
  const choices = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : `${names[0]}`;
  if (action === undefined || action.startsWith('-')) {
    parse(argv, {}, help);
    throw new UsageError(`missing action: ${choices}`);
  }
  const handler = actions[action];
  if (!handler) throw new UsageError(`unknown ${command} action "${action}": use ${choices}`);
  return handler(rest, deps);
}

/** A positive integer flag such as `--limit 50`. */
export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive whole number, got "${value}"`);
  return n;
}

/** `--format text|json`, on every command that prints data. */
export const FORMAT_OPTION = { format: { type: 'string' } } as const;
export const FORMAT_HELP = '  --format text|json   json: the result as JSON on stdout (numbers as numbers)';

export function format(value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new UsageError(`--format must be "text" or "json", got "${value}"`);
}

/** The data of a `--format json` run: one document on stdout. */
export function printJson(deps: Pick<CliDeps, 'stdout'>, value: unknown): void {
  deps.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `--yes` and `--dry-run`, on every command that changes or removes something. */
export const DESTRUCTIVE_OPTIONS = { yes: { type: 'boolean', short: 'y' }, 'dry-run': { type: 'boolean' } } as const;
export const DESTRUCTIVE_HELP = [
  '  -y, --yes            do it without asking (needed when not run from a terminal)',
  '  --dry-run            only show what would change; change nothing',
].join('\n');

/**
 * Asks before a destructive step: `--yes` goes ahead, a terminal gets a y/N question on stderr, and a run that is
 * not interactive (a script, CI) is refused with exit code 2 rather than guessing.
 */
export async function confirm(flags: { yes?: boolean | undefined }, deps: Pick<CliDeps, 'confirm'>, question: string): Promise<void> {
  if (flags.yes) return;
  if (!deps.confirm)
    throw new UsageError(
      `${question} Not asked: this run is not interactive. Pass --yes to go ahead, or --dry-run to only see what would change`,
    );
  if (!(await deps.confirm(`${question} [y/N] `))) throw new CommandError('not confirmed: nothing changed');
}
