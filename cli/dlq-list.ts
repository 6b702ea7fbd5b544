import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { format, parse, positiveInt, printJson } from './args.ts';
import { deadLetterHints, deadLetterJson, describeDeadLetter, formatDeadLetterList } from './dlq-format.ts';
import { awsFailure, DLQ_HELP, LIST_OPTIONS, whereFlags } from './dlq-help.ts';
import { approximateCount, receive, release } from './dlq-queue.ts';
import { type CliDeps, EXIT } from './io.ts';
import { resolveQueues } from './targets.ts';

/** How long peeked messages stay hidden while the listing is built. */
const LIST_VISIBILITY_SECONDS = 30;

/** Up to `limit` messages, looked at and made visible again at once. */
export async function peek(target: { sqs: SQSClient; dlqUrl: string }, limit: number) {
  const { sqs, dlqUrl } = target;
  const seen = new Map<string, Message>();
  while (seen.size < limit) {
    const batch = await receive(sqs, dlqUrl, limit - seen.size, LIST_VISIBILITY_SECONDS);
    const fresh = batch.filter((m) => !seen.has(m.MessageId ?? ''));
    if (fresh.length === 0) break;
    for (const m of fresh) seen.set(m.MessageId ?? '', m);
  }
  await release(sqs, dlqUrl, [...seen.values()]);
  return [...seen.values()].slice(0, limit).map(describeDeadLetter);
}

export async function listDeadLetters(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, LIST_OPTIONS, DLQ_HELP);
  const limit = positiveInt(values.limit, 'limit', 20);
  const output = format(values.format);
  const target = await resolveQueues(values, deps);
  try {
    const total = await approximateCount(target.sqs, target.dlqUrl);
    const views = await peek(target, limit);
    if (output === 'json') printJson(deps, views.map(deadLetterJson));
    else deps.stdout.write(formatDeadLetterList(views, target.dlqUrl, total));
    deps.stderr.write(deadLetterHints(views, whereFlags(values)));
  } catch (error) {
    throw awsFailure(`cannot read the dead-letter queue ${target.dlqUrl}`, error);
  }
  return EXIT.ok;
}
