import { isAuthorized } from '#shared/intake/auth';
import { parseTokenList } from '#shared/platform/secrets';
import { addToken, validateProjectKeyFormat, retireTokens } from '../../cli/token-list.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from './fake-secrets-manager.ts';
import { type Harness, harness } from './harness.ts';

const KEY_SECRET = 'moengage-posthog/prod/posthog-key';
const TOKENS_SECRET = 'moengage-posthog/prod/webhook-tokens';
const STACK_OUTPUTS = { PostHogApiKeySecretName: KEY_SECRET, WebhookTokensSecretName: TOKENS_SECRET };
// What CDK's generateSecretString leaves in the tokens secret: one plain token.
const GENERATED = 'Q8vXr2LkT0aZbN4mW7yHcJ1sDfG5hK9pUeRt3oIw';

describe('secrets commands against a Secrets Manager speaking the SDK protocol', () => {
  let sm: FakeSecretsManager;
  let cli: Harness;

  beforeEach(async () => {
    sm = await startFakeSecretsManager({ [KEY_SECRET]: 'placeholder-generated-by-cdk', [TOKENS_SECRET]: GENERATED });
    cli = harness({ stacks: { 'MoEngagePostHogForwarder-prod': STACK_OUTPUTS } });
  });
  afterEach(async () => {
    cli.close();
    await sm.close();
  });

  const where = () => ['--endpoint', sm.url];

  it('stores a project key in the secret named by the stack output and prints it masked', async () => {
    const result = await cli.run(['secrets', 'set-posthog-key', 'phc_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', ...where()]);
    expect(result).toEqual({
      code: 0,
      stderr: 'The functions use it within a minute. Check it with: moengage-posthog send-test --url <base> --token <token> --verify\n',
      stdout: `Stored PostHog project key phc_Ab…6789 in ${KEY_SECRET}.\n`,
    });
    expect(sm.secrets.get(KEY_SECRET)).toBe('phc_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789');
  });

  it('reads the key from stdin with "-" and honours --posthog-key-secret', async () => {
    cli.deps.readStdin = async () => 'phc_fromStdin0123456789\n';
    const result = await cli.run(['secrets', 'set-posthog-key', '-', '--posthog-key-secret', TOKENS_SECRET, ...where()]);
    expect(result.code).toBe(0);
    expect(sm.secrets.get(TOKENS_SECRET)).toBe('phc_fromStdin0123456789');
  });

  it.each([
    ['phx_personalKey0123456789', 'personal API key'],
    ['sk_live_123', 'starts with phc_'],
    ['phc_', 'starts with phc_'],
  ])('refuses %s with exit code 2 and stores nothing', async (key, message) => {
    const result = await cli.run(['secrets', 'set-posthog-key', key, ...where()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(sm.puts).toEqual([]);
  });

  it('rotates: a single generated token becomes a list with the new token first, and both stay valid', async () => {
    const result = await cli.run(['secrets', 'rotate-token', ...where()]);
    expect(result.code).toBe(0);
    const stored = JSON.parse(sm.secrets.get(TOKENS_SECRET) ?? '') as string[];
    const fresh = Buffer.alloc(32, 1).toString('base64url');
    expect(stored).toEqual([fresh, GENERATED]);
    // Only the token is data (stdout), so TOKEN=$(… rotate-token) works; the rest is guidance on stderr.
    expect(result.stdout).toBe(`  ${fresh}\n`);
    expect(result.stderr).toContain('1. AQEBAQ…BAQE  (newest)\n  2. Q8vXr2…3oIw');
    expect(result.stderr).toContain('The old token(s) stay valid');
    const json = await cli.run(['secrets', 'rotate-token', '--format', 'json', ...where()]);
    const second = Buffer.alloc(32, 2).toString('base64url');
    expect(JSON.parse(json.stdout)).toEqual({
      secret: TOKENS_SECRET,
      token: second,
      tokens: ['AgICAg…CAgI', 'AQEBAQ…BAQE', 'Q8vXr2…3oIw'],
    });
    // The intake reads the secret with parseTokenList and accepts every token in it.
    const valid = parseTokenList(sm.secrets.get(TOKENS_SECRET) ?? '');
    expect(isAuthorized(fresh, valid)).toBe(true);
    expect(isAuthorized(GENERATED, valid)).toBe(true);
  });

  it('retires one token, then all but the newest, and refuses to leave none', async () => {
    await cli.run(['secrets', 'rotate-token', ...where()]);
    await cli.run(['secrets', 'rotate-token', ...where()]);
    const newest = Buffer.alloc(32, 2).toString('base64url');
    const middle = Buffer.alloc(32, 1).toString('base64url');
    expect(JSON.parse(sm.secrets.get(TOKENS_SECRET) ?? '')).toEqual([newest, middle, GENERATED]);

    const refused = await cli.run(['secrets', 'retire-token', GENERATED, ...where()]);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('Not asked: this run is not interactive. Pass --yes') });
    const dry = await cli.run(['secrets', 'retire-token', GENERATED, '--dry-run', '--format', 'json', ...where()]);
    expect(JSON.parse(dry.stdout)).toEqual({ secret: TOKENS_SECRET, dry_run: true, retired: 1, tokens: ['AgICAg…CAgI', 'AQEBAQ…BAQE'] });
    expect(JSON.parse(sm.secrets.get(TOKENS_SECRET) ?? '')).toEqual([newest, middle, GENERATED]);

    const one = await cli.run(['secrets', 'retire-token', GENERATED, '--yes', ...where()]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`Retired 1 token(s) in ${TOKENS_SECRET}`);
    expect(JSON.parse(sm.secrets.get(TOKENS_SECRET) ?? '')).toEqual([newest, middle]);

    const unknown = await cli.run(['secrets', 'retire-token', 'not-a-token', ...where()]);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('not in the webhook tokens secret') });

    cli.deps.confirm = async () => true; // a terminal that answers y
    const rest = await cli.run(['secrets', 'retire-token', '--all-but-newest', ...where()]);
    expect(rest.code).toBe(0);
    expect(JSON.parse(sm.secrets.get(TOKENS_SECRET) ?? '')).toEqual([newest]);

    const last = await cli.run(['secrets', 'retire-token', newest, '--yes', ...where()]);
    expect(last).toMatchObject({ code: 1, stderr: expect.stringContaining('that is the only token') });
    expect(JSON.parse(sm.secrets.get(TOKENS_SECRET) ?? '')).toEqual([newest]);
  });

  it('fails clearly for a missing secret, a missing stack and wrong usage', async () => {
    const missing = await cli.run(['secrets', 'rotate-token', '--tokens-secret', 'nope', ...where()]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining("cannot read secret nope: Secrets Manager can't find") });
    const stack = await cli.run(['secrets', 'rotate-token', '--stack', 'Other-dev', ...where()]);
    expect(stack).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read the outputs of stack Other-dev') });
    expect((await cli.run(['secrets', 'retire-token', ...where()])).code).toBe(2);
    expect((await cli.run(['secrets', 'shred', ...where()])).code).toBe(2);
    expect((await cli.run(['secrets', 'set-posthog-key', ...where()])).code).toBe(2);
    expect(sm.puts).toEqual([]);
  });

  it('prints help with exit code 0', async () => {
    const help = await cli.run(['secrets', 'rotate-token', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: moengage-posthog secrets set-posthog-key');
  });
});

describe('token list rules', () => {
  it.each([
    [['a'], 'n', ['n', 'a']],
    [[], 'n', ['n']],
    [['n', 'a'], 'n', ['n', 'a']],
  ])('addToken(%j, %s) → %j', (tokens, token, expected) => {
    expect(addToken(tokens, token)).toEqual(expected);
  });

  it.each([
    [['n', 'a', 'b'], 'all-but-newest' as const, ['n']],
    [['n', 'a'], { token: 'a' }, ['n']],
    [['n', 'a'], { token: 'n' }, ['a']],
  ])('retireTokens(%j, %j) → %j', (tokens, which, expected) => {
    expect(retireTokens(tokens, which)).toEqual(expected);
  });

  it.each(['phc_abcdefghij', ' phc_A1b2C3d4E5f6G7 '])('accepts the project key %j', (key) => {
    expect(validateProjectKeyFormat(key)).toBe(key.trim());
  });
});
