import { VERSION_LINE } from './args.ts';
import { runCohortSyncCommand } from './cohort-sync.ts';
import { runDelivery } from './delivery.ts';
import { runDlq } from './dlq.ts';
import { Answered, type CliDeps, CommandError, EXIT, UsageError } from './io.ts';
import { runSecrets } from './secrets.ts';
import { runSendTest } from './send-test.ts';
import { runTemplate } from './template-command.ts';
import { runTrace } from './trace.ts';

export const MAIN_HELP = `Usage: moengage-posthog <command> [options]

Commands
  template connector   print the MoEngage connector configuration (URL, headers, Jinja body) to paste
  send-test            send a request like MoEngage's Test button and show the verdict and the PostHog events
  dlq list             show dead-lettered events and why
  dlq redrive          move dead-lettered events back to the main queue
  delivery             status | pause | resume: is delivery to PostHog running, paused (why, since when), backlog
  trace                what happened to one event (uuid, distinct_id or $insert_id); --local alone: the local status
  secrets              set-posthog-key | rotate-token | retire-token
  cohort-sync run      copy PostHog cohorts into MoEngage custom segments (see docs/cohort-sync.md)

Every command takes --help and --version; commands that print data take --format json (data on stdout, progress
and hints on stderr); commands that remove or move something take --yes and --dry-run.
Run "moengage-posthog <command> --help" for a command's options.
Exit codes: 0 success, 1 the command failed (e.g. the test request was not answered 200), 2 wrong usage.
Docs: docs/moengage-setup.md, docs/troubleshooting.md
`;

export const COMMANDS: Record<string, (argv: readonly string[], deps: CliDeps) => Promise<number>> = {
  template: runTemplate,
  'send-test': runSendTest,
  dlq: runDlq,
  delivery: runDelivery,
  trace: runTrace,
  secrets: runSecrets,
  'cohort-sync': (argv, deps) =>
    runCohortSyncCommand(argv, {
      env: deps.env,
      stdout: (text) => deps.stdout.write(text),
      stderr: (text) => deps.stderr.write(text),
      stackOutputs: deps.stackOutputs,
    }),
};

/** Runs one command line and returns the exit code; never throws. */
export async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    deps.stdout.write(MAIN_HELP);
    return EXIT.ok;
  }
  if (command === '--version' || command === '-V') {
    deps.stdout.write(VERSION_LINE);
    return EXIT.ok;
  }
  if (command === undefined) {
    deps.stderr.write(MAIN_HELP);
    return EXIT.usage;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    deps.stderr.write(`moengage-posthog: unknown command "${command}"\n\n${MAIN_HELP}`);
    return EXIT.usage;
  }
  try {
    return await handler(rest, deps);
  } catch (error) {
    if (error instanceof Answered) {
      deps.stdout.write(error.text);
      return EXIT.ok;
    }
    if (error instanceof UsageError) {
      deps.stderr.write(`moengage-posthog ${command}: ${error.message}\nRun "moengage-posthog ${command} --help" for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof CommandError) {
      deps.stderr.write(`moengage-posthog ${command}: ${error.message}\n`);
      return EXIT.failed;
    }
    deps.stderr.write(`moengage-posthog ${command}: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}
