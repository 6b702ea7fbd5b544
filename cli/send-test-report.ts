/** What one HTTP request of `send-test` produced. */
export type HttpOutcome =
  | { kind: 'response'; status: number; ms: number; body: unknown }
  | { kind: 'timeout'; ms: number }
  | { kind: 'network'; message: string };

export interface SendTestReport {
  url: string;
  maskedToken: string;
  timeoutMs: number;
  mode: 'send' | 'verify' | 'dry_run';
  main: HttpOutcome;
  /** The `?dry_run=1` request made after a successful send or verify. */
  dryRun: HttpOutcome | undefined;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** MoEngage counts only HTTP 200 as success (docs/architecture.md, "MoEngage: Connector campaigns"). */
export const passed = (outcome: HttpOutcome): boolean => outcome.kind === 'response' && outcome.status === 200;

function issues(title: string, items: unknown[]): string[] {
  if (items.length === 0) return [];
  return [title, ...items.map((i) => (isObject(i) ? `  - ${str(i.path)}: ${str(i.message)}` : `  - ${str(i)}`))];
}

/** What to do about a failed answer, in the marketer's terms. */
export function hintFor(outcome: HttpOutcome, timeoutMs: number): string {
  if (outcome.kind === 'timeout') {
    return `Fix: no answer within ${timeoutMs / 1000} s. Check the URL is the ConnectorUrl output and the stack is deployed; see docs/troubleshooting.md ("timeout").`;
  }
  if (outcome.kind === 'network') return 'Fix: the URL cannot be reached. Check the host name (the ConnectorUrl output) and your network.';
  switch (outcome.status) {
    case 401:
      return 'Fix: the token is not one of the webhook tokens. Use a token from the WebhookTokens secret (`moengage-posthog secrets rotate-token` prints a new one).';
    case 400:
      return "Fix: change the body as the errors above say (usually a MoEngage attribute name; for a property, |default('') — never a default for distinct_id).";
    case 404:
    case 405:
      return 'Fix: the URL must end in /v1/connector and the method must be POST.';
    case 413:
      return 'Fix: the body is larger than the intake accepts (1 MB by default).';
    case 415:
      return 'Fix: set the header Content-Type: application/json.';
    case 502:
      return 'Fix: PostHog refused the event; see its answer above (a 401 means the PostHog project key is wrong: `moengage-posthog secrets set-posthog-key`).';
    case 503:
      return 'Fix: the queue was unavailable; nothing was accepted. Retry; if it persists check the stack in AWS.';
    default:
      return 'Fix: see docs/troubleshooting.md.';
  }
}

function describeVerify(body: unknown, status: number): string[] {
  const b = isObject(body) ? body : {};
  if (status === 200 && typeof b.queued === 'number') {
    return [
      'PostHog check: not done. This intake does not support ?verify=1 (an older version): the event was queued as usual.',
      'Look for it in PostHog (Activity → Events) in a minute, or deploy the current version to check synchronously.',
    ];
  }
  if (status === 200) return [`PostHog check: accepted; ${describeKeyCheck(b.key_check)}`];
  // The intake's 502 (shared/intake/verify-delivery.ts): which stage failed, PostHog's status, and what to do.
  const phStatus = typeof b.posthog_status === 'number' ? b.posthog_status : undefined;
  const http = phStatus === undefined ? 'no answer' : `HTTP ${phStatus}`;
  const what =
    b.stage === 'key_check'
      ? phStatus === 401 || phStatus === 403
        ? 'project key refused'
        : 'project key not checked'
      : b.stage === 'capture'
        ? 'event not accepted'
        : 'failed';
  const message = typeof b.message === 'string' ? `: ${b.message}` : '';
  return [`PostHog check: ${what} (${http})${message}`];
}

/** What `?verify=1` said about the project key (`key_check` in its 200 answer). */
function describeKeyCheck(keyCheck: unknown): string {
  switch (keyCheck) {
    case 'valid':
      return 'the project key was accepted too.';
    case 'local_sink':
      return 'it went to the local capture sink, so no PostHog project key was checked.';
    case 'no_flags_endpoint':
      return 'the project key was NOT checked (this PostHog has no flags endpoint; an older self-hosted version?).';
    default:
      return 'this intake did not say whether the project key was checked.';
  }
}

/**
 * The report printed by `send-test` as a terminal shows it (pure). `withHint: false` leaves out the closing "Fix:"
 * line, which the command writes to stderr (a hint, not data); it is always the last line when present.
 */
export function formatSendTestReport(report: SendTestReport, withHint = true): string {
  const { main } = report;
  const query = report.mode === 'verify' ? '?verify=1' : report.mode === 'dry_run' ? '?dry_run=1' : '';
  const lines = [
    `POST ${report.url}${query}`,
    `  Authorization: Bearer ${report.maskedToken}   Content-Type: application/json   timeout ${report.timeoutMs / 1000} s`,
  ];
  const took = main.kind === 'network' ? 'no connection' : main.kind === 'timeout' ? `no answer within ${report.timeoutMs / 1000} s` : '';
  if (passed(main) && main.kind === 'response') {
    lines.push(`Verdict: PASS (HTTP 200 in ${main.ms} ms): MoEngage's Test button would show success.`);
  } else {
    const what =
      main.kind === 'response' ? `HTTP ${main.status} in ${main.ms} ms` : main.kind === 'network' ? `${took}: ${main.message}` : took;
    lines.push(`Verdict: FAIL (${what}): MoEngage would mark the request Failed.`);
  }
  if (main.kind === 'response') {
    const body = isObject(main.body) ? main.body : {};
    if (typeof main.body === 'string' && main.body !== '') lines.push(`  ${main.body}`);
    const verifyAnswer = report.mode === 'verify' && (main.status === 200 || main.status === 502);
    if (typeof body.message === 'string' && !verifyAnswer) lines.push(`  ${str(body.status ?? 'error')}: ${body.message}`);
    if (verifyAnswer) lines.push(...describeVerify(main.body, main.status));
    if (typeof body.queued === 'number' && report.mode === 'send') {
      lines.push(`Queued ${body.queued} event(s) for PostHog:`);
      for (const e of list(body.events)) {
        if (isObject(e)) lines.push(`  ${str(e.event)}  distinct_id=${str(e.distinct_id)}  uuid=${str(e.uuid)}`);
      }
    }
    lines.push(...issues('Errors:', list(body.errors)));
  }
  if (!passed(main) && withHint) lines.push(hintFor(main, report.timeoutMs));

  const mapped = report.mode === 'dry_run' ? main : report.dryRun;
  if (mapped?.kind === 'response' && mapped.status === 200 && isObject(mapped.body)) {
    lines.push(...issues('Warnings (the event was still accepted):', list(mapped.body.warnings)));
    const events = list(mapped.body.events);
    lines.push(
      `PostHog events (dry run: ${events.length}, exactly as the forwarder sends them${report.mode === 'dry_run' ? '' : "; the dry run's own timestamp unless the body has one"}):`,
    );
    lines.push(JSON.stringify(events, null, 2));
  } else if (mapped !== undefined && report.mode !== 'dry_run') {
    lines.push('PostHog events: the dry run did not answer 200, so they cannot be shown.');
  }
  return `${lines.join('\n')}\n`;
}

/** The report for scripts (`--format json`): the answers as they came, numbers as numbers. */
export function sendTestJson(report: SendTestReport): Record<string, unknown> {
  return {
    passed: passed(report.main),
    url: report.url,
    mode: report.mode,
    token: report.maskedToken,
    timeout_ms: report.timeoutMs,
    answer: report.main,
    dry_run: report.dryRun ?? null,
  };
}
