import { confirm, format, parse, positiveInt, printJson } from './args.ts';
import { awsFailure, DLQ_HELP, REDRIVE_OPTIONS } from './dlq-help.ts';
import { peek } from './dlq-list.ts';
import { DEFAULT_MOVE_RATE, moveTask } from './dlq-move-task.ts';
import { approximateCount, type RedriveResult, redrive } from './dlq-queue.ts';
import { type CliDeps, EXIT, UsageError } from './io.ts';
import { createProgress } from './progress.ts';
import { type QueueTarget, resolveQueues } from './targets.ts';

const REASONS = ['rejected', 'malformed', 'max_receives'];

/** The outcome of a redrive, as printed (JSON keys snake_case, numbers as numbers). */
export interface Outcome {
  method: 'move_task' | 'one_by_one';
  moved: number;
  failed: number;
  not_deleted: number;
  left: number | null;
  status?: string;
  failure_reason?: string;
}

/** `dlq redrive`: SQS's move task in AWS; one by one locally or with a filter (--reason, --max). */
export async function runRedrive(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, REDRIVE_OPTIONS, DLQ_HELP);
  const max = positiveInt(values.max, 'max', Number.MAX_SAFE_INTEGER);
  const rate = positiveInt(values.rate, 'rate', DEFAULT_MOVE_RATE);
  if (rate > 500) throw new UsageError(`--rate is at most 500 messages per second (SQS's limit), got ${rate}`);
  const output = format(values.format);
  const reason = values.reason;
  if (reason !== undefined && !REASONS.includes(reason))
    throw new UsageError(`--reason must be one of ${REASONS.join(', ')}, got "${reason}"`);
  const target = await resolveQueues(values, deps);
  const method = target.local || reason !== undefined || values.max !== undefined ? 'one_by_one' : 'move_task';
  let before: number;
  try {
    before = (await approximateCount(target.sqs, target.dlqUrl)) ?? 0;
    // A filter is counted by looking at the messages (they stay in the queue).
    if (reason !== undefined) before = (await peek(target, before)).filter((v) => v.reason === reason).length;
  } catch (error) {
    throw awsFailure(`cannot read the dead-letter queue ${target.dlqUrl}`, error);
  }
  const count = Math.min(max, before);
  const what = `${count === max ? `up to ${max}` : `about ${count}`} message(s)${reason ? ` dead-lettered as ${reason}` : ''}`;
  const plan = `${what}\n  from ${target.dlqUrl}\n  to   ${target.queueUrl}\n  by   ${method === 'move_task' ? "SQS's message move task" : 'receiving, sending and deleting each message'}\n`;
  if (values['dry-run']) {
    if (output === 'json')
      printJson(deps, { dry_run: true, method, messages: count, reason: reason ?? null, from: target.dlqUrl, to: target.queueUrl });
    else deps.stdout.write(`Would move ${plan}Nothing was moved (--dry-run).\n`);
    return EXIT.ok;
  }
  await confirm(values, deps, `Move ${what} from ${target.dlqUrl} back to ${target.queueUrl}?`);
  deps.stderr.write(`Redriving ${plan}`);
  const outcome = method === 'move_task' ? await runMoveTask(target, rate, deps) : await runOneByOne(target, { max, reason }, count, deps);
  outcome.left = (await approximateCount(target.sqs, target.dlqUrl).catch(() => undefined)) ?? null;
  if (output === 'json') printJson(deps, outcome);
  else deps.stdout.write(summary(outcome));
  return outcome.failed > 0 || outcome.not_deleted > 0 || (outcome.status !== undefined && outcome.status !== 'COMPLETED')
    ? EXIT.failed
    : EXIT.ok;
}

async function runOneByOne(
  target: QueueTarget,
  options: { max: number; reason?: string | undefined },
  total: number,
  deps: CliDeps,
): Promise<Outcome> {
  const progress = createProgress(deps.stderr);
  let result: RedriveResult;
  try {
    result = await redrive(target, options, (moved) => progress.update(moved, total));
  } catch (error) {
    throw awsFailure('redrive stopped', error);
  } finally {
    progress.finish();
  }
  return { method: 'one_by_one', moved: result.moved, failed: result.failed, not_deleted: result.notDeleted, left: null };
}

async function runMoveTask(target: QueueTarget, rate: number, deps: CliDeps): Promise<Outcome> {
  const progress = createProgress(deps.stderr);
  try {
    const task = await moveTask(target, deps, rate, (moved, toMove) => progress.update(moved, toMove ?? moved));
    const outcome: Outcome = { method: 'move_task', status: task.status, moved: task.moved, failed: 0, not_deleted: 0, left: null };
    if (task.failureReason !== undefined) outcome.failure_reason = task.failureReason;
    return outcome;
  } catch (error) {
    throw awsFailure('the message move task could not run', error);
  } finally {
    progress.finish();
  }
}

/** The final line, e.g. `Moved 3 message(s) to the main queue; about 0 left in the dead-letter queue.` (pure). */
export function summary(o: Outcome): string {
  const parts = [`Moved ${o.moved} message(s) to the main queue`];
  if (o.status !== undefined && o.status !== 'COMPLETED')
    parts.push(`the move task ended ${o.status}${o.failure_reason ? ` (${o.failure_reason})` : ''}`);
  if (o.failed > 0) parts.push(`${o.failed} could not be sent and stay in the dead-letter queue`);
  if (o.not_deleted > 0)
    parts.push(`${o.not_deleted} were sent but not deleted (they will be redriven again; PostHog usually keeps one copy)`);
  if (o.left !== null) parts.push(`about ${o.left} left in the dead-letter queue`);
  return `${parts.join('; ')}.\n`;
}
