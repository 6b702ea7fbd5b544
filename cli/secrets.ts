import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { confirm, DESTRUCTIVE_OPTIONS, dispatch, FORMAT_OPTION, format, parse, printJson } from './args.ts';
import { type CliDeps, CommandError, EXIT, UsageError } from './io.ts';
import { mask } from './mask.ts';
import { AWS_OPTIONS, explainAwsError, OUTPUTS, resolveSecretName, targetHelp } from './targets.ts';
import { addToken, validateProjectKeyFormat, readTokens, retireTokens, serializeTokens } from './token-list.ts';

export const SECRETS_HELP = `Usage: moengage-posthog secrets set-posthog-key <phc_…|->  [where]
       moengage-posthog secrets rotate-token [where]
       moengage-posthog secrets retire-token <token> | --all-but-newest [--yes] [--dry-run] [where]

set-posthog-key  stores the PostHog project API key (phc_…; "-" reads it from stdin, keeping it out of the
                 shell history)
rotate-token     adds a new random webhook token to the tokens secret and prints it; the old tokens stay valid
                 until you retire them, so MoEngage campaigns keep working while you update them
retire-token     removes one token, or every token but the newest (--all-but-newest)

The functions re-read secrets within a minute (they cache them for 60 s).

Options
  --posthog-key-secret <name>   the secret (default: the stack's ${OUTPUTS.posthogKeySecret} output)
  --tokens-secret <name>        the secret (default: the stack's ${OUTPUTS.tokensSecret} output)
  --all-but-newest              retire-token: keep only the newest token
  -y, --yes                     retire-token: do it without asking (needed when not run from a terminal)
  --dry-run                     retire-token: only show what would change; change nothing
  --format text|json            json: the result as JSON on stdout
${targetHelp('secrets')}`;

const OPTIONS = {
  ...AWS_OPTIONS,
  ...FORMAT_OPTION,
  ...DESTRUCTIVE_OPTIONS,
  'posthog-key-secret': { type: 'string' },
  'tokens-secret': { type: 'string' },
  'all-but-newest': { type: 'boolean' },
} as const;

async function getSecret(client: SecretsManagerClient, name: string): Promise<string> {
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: name }));
    if (result.SecretString === undefined) throw new CommandError(`secret ${name} holds no string value`);
    return result.SecretString;
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(`cannot read secret ${name}: ${explainAwsError((error as Error).message)}`, { cause: error });
  }
}

async function putSecret(client: SecretsManagerClient, name: string, value: string): Promise<void> {
  try {
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
  } catch (error) {
    throw new CommandError(`cannot write secret ${name}: ${explainAwsError((error as Error).message)}`, { cause: error });
  }
}

/** 32 random bytes, base64url: 43 characters that survive headers, JSON and MoEngage's header field as they are. */
export const newToken = (deps: Pick<CliDeps, 'randomBytes'>): string => deps.randomBytes(32).toString('base64url');

const formatTokens = (tokens: readonly string[]): string =>
  tokens.map((t, i) => `  ${i + 1}. ${mask(t)}${i === 0 ? '  (newest)' : ''}`).join('\n');

type Values = ReturnType<typeof parseSecrets>['values'];
const parseSecrets = (argv: readonly string[]) => parse(argv, OPTIONS, SECRETS_HELP, true);

export function runSecrets(argv: readonly string[], deps: CliDeps): Promise<number> {
  return dispatch('secrets', argv, deps, SECRETS_HELP, {
    'set-posthog-key': setPostHogKey,
    'rotate-token': rotateToken,
    'retire-token': retireToken,
  });
}

async function setPostHogKey(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseSecrets(argv);
  const output = format(values.format);
  if (positionals.length !== 1) throw new UsageError('give the key: secrets set-posthog-key phc_… (or - to read it from stdin)');
  const key = validateProjectKeyFormat(positionals[0] === '-' ? await deps.readStdin() : (positionals[0] ?? ''));
  const { name, target } = await resolveSecretName(
    values,
    values['posthog-key-secret'],
    OUTPUTS.posthogKeySecret,
    '--posthog-key-secret',
    deps,
  );
  await putSecret(deps.secretsManager(target), name, key);
  if (output === 'json') printJson(deps, { secret: name, key: mask(key) });
  else deps.stdout.write(`Stored PostHog project key ${mask(key)} in ${name}.\n`);
  deps.stderr.write(
    'The functions use it within a minute. Check it with: moengage-posthog send-test --url <base> --token <token> --verify\n',
  );
  return EXIT.ok;
}

async function tokensSecret(values: Values, deps: CliDeps) {
  const { name, target } = await resolveSecretName(values, values['tokens-secret'], OUTPUTS.tokensSecret, '--tokens-secret', deps);
  const client = deps.secretsManager(target);
  return { name, client, tokens: readTokens(await getSecret(client, name)) };
}

async function rotateToken(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseSecrets(argv);
  const output = format(values.format);
  if (positionals.length > 0) throw new UsageError('rotate-token takes no arguments');
  const { name, client, tokens } = await tokensSecret(values, deps);
  const token = newToken(deps);
  const next = addToken(tokens, token);
  await putSecret(client, name, serializeTokens(next));
  if (output === 'json') {
    printJson(deps, { secret: name, token, tokens: next.map(mask) });
  } else {
    deps.stderr.write(`New webhook token (stored in ${name}; shown once):\n\n`);
    deps.stdout.write(`  ${token}\n`);
    deps.stderr.write(`\nValid tokens now:\n${formatTokens(next)}\n`);
  }
  deps.stderr.write(
    'The old token(s) stay valid. Put the new one in every MoEngage connector (Authorization: Bearer <token>),\nthen run: moengage-posthog secrets retire-token --all-but-newest\n',
  );
  return EXIT.ok;
}

async function retireToken(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseSecrets(argv);
  const output = format(values.format);
  const which = values['all-but-newest'] ? 'all-but-newest' : positionals[0] !== undefined ? { token: positionals[0] } : undefined;
  if (which === undefined || (values['all-but-newest'] && positionals.length > 0) || positionals.length > 1) {
    throw new UsageError('give either the token to retire or --all-but-newest');
  }
  const { name, client, tokens } = await tokensSecret(values, deps);
  const next = retireTokens(tokens, which);
  const retired = tokens.length - next.length;
  if (!values['dry-run']) {
    await confirm(values, deps, `Retire ${retired} webhook token(s) in ${name}? MoEngage requests that still send them will get 401.`);
    await putSecret(client, name, serializeTokens(next));
  }
  const verb = values['dry-run'] ? 'Would retire' : 'Retired';
  if (output === 'json') printJson(deps, { secret: name, dry_run: values['dry-run'] ?? false, retired, tokens: next.map(mask) });
  else
    deps.stdout.write(
      `${verb} ${retired} token(s) in ${name}. Valid tokens ${values['dry-run'] ? 'would be' : 'now'}:\n${formatTokens(next)}\n`,
    );
  if (!values['dry-run']) deps.stderr.write('Requests with a retired token get 401 within a minute.\n');
  return EXIT.ok;
}
