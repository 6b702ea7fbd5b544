import { FORMAT_HELP, FORMAT_OPTION, format, parse, printJson } from './args.ts';
import { type CliDeps, EXIT, UsageError } from './io.ts';
import { localRunner } from './local-runner.ts';
import { mask } from './mask.ts';
import { formatSendTestReport, type HttpOutcome, hintFor, passed, type SendTestReport, sendTestJson } from './send-test-report.ts';
import { connectorUrl } from './template-connector.ts';

export const SEND_TEST_HELP = `Usage: moengage-posthog send-test (--url <base> --token <token> | --local) [--file body.json] [--verify | --dry-run] [--format json]

Sends a connector request the way MoEngage's Test button does (POST, Authorization: Bearer, Content-Type:
application/json, 5 s timeout, only HTTP 200 is success), prints the verdict and the PostHog events the body
maps to (from a ?dry_run=1 request).

Options
  --url <base>       the API base URL or the ConnectorUrl output (…/v1/connector)
  --token <token>    a webhook token (default: the MOENGAGE_POSTHOG_TOKEN environment variable)
  --local            the running local runner (npm start): its URL and token, found by themselves
  --file <path>      the request body as MoEngage renders it (- reads stdin); default: a small test event
  --verify           deliver synchronously (?verify=1) and print PostHog's answer, including a wrong project key
  --dry-run          only map (?dry_run=1): nothing is queued or sent to PostHog
${FORMAT_HELP}
  -h, --help         this help
  --version          the CLI's version

Without --dry-run the event is really queued and delivered, as the Test button would do.
Exit code 0 when the answer is HTTP 200, 1 otherwise, 2 for a usage error.
`;

export const SAMPLE_BODY = JSON.stringify({
  event: 'moengage_posthog_test',
  distinct_id: 'moengage-posthog-send-test',
  properties: { source: 'send-test', amount: '19.99' },
});

export const MOENGAGE_TIMEOUT_MS = 5_000;

export interface SendTestOptions {
  url: string;
  token: string;
  body: string;
  mode: SendTestReport['mode'];
  timeoutMs: number;
}

async function post(deps: CliDeps, url: string, token: string, body: string, timeoutMs: number): Promise<HttpOutcome> {
  const started = deps.now();
  try {
    const response = await deps.fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'moengage-posthog send-test' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // a non-JSON answer (an API Gateway error page, a proxy) is shown as text
    }
    return { kind: 'response', status: response.status, ms: Math.round(deps.now() - started), body: parsed };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'timeout', ms: Math.round(deps.now() - started) };
    return { kind: 'network', message: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}

/** Sends the request like MoEngage, then (on success) the same body as a dry run to show the mapped events. */
export async function sendTest(options: SendTestOptions, deps: CliDeps): Promise<SendTestReport> {
  const base = connectorUrl(options.url);
  const query = options.mode === 'verify' ? '?verify=1' : options.mode === 'dry_run' ? '?dry_run=1' : '';
  const main = await post(deps, `${base}${query}`, options.token, options.body, options.timeoutMs);
  const dryRun =
    options.mode !== 'dry_run' && passed(main)
      ? await post(deps, `${base}?dry_run=1`, options.token, options.body, options.timeoutMs)
      : undefined;
  return { url: base, maskedToken: mask(options.token), timeoutMs: options.timeoutMs, mode: options.mode, main, dryRun };
}

export async function runSendTest(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...FORMAT_OPTION,
      url: { type: 'string' },
      token: { type: 'string' },
      local: { type: 'boolean' },
      file: { type: 'string' },
      verify: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    },
    SEND_TEST_HELP,
  );
  const output = format(values.format);
  const runner = values.local ? await localRunner(deps) : undefined;
  const url = values.url ?? runner?.url;
  if (!url) throw new UsageError('--url is required (the ConnectorUrl output), or --local for the running npm start');
  const token = values.token ?? runner?.token ?? deps.env.MOENGAGE_POSTHOG_TOKEN;
  if (!token) throw new UsageError('--token is required (a webhook token; or set MOENGAGE_POSTHOG_TOKEN)');
  if (values.verify && values['dry-run']) throw new UsageError('use either --verify or --dry-run, not both');
  let body = SAMPLE_BODY;
  if (values.file !== undefined) {
    try {
      body = values.file === '-' ? await deps.readStdin() : await deps.readFile(values.file);
    } catch (error) {
      throw new UsageError(`cannot read --file ${values.file}: ${(error as Error).message}`);
    }
  }
  const mode = values.verify ? 'verify' : values['dry-run'] ? 'dry_run' : 'send';
  const report = await sendTest({ url, token, body, mode, timeoutMs: MOENGAGE_TIMEOUT_MS }, deps);
  if (output === 'json') printJson(deps, sendTestJson(report));
  else deps.stdout.write(formatSendTestReport(report, false));
  if (!passed(report.main)) deps.stderr.write(`${hintFor(report.main, report.timeoutMs)}\n`);
  return passed(report.main) ? EXIT.ok : EXIT.failed;
}
