import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import * as z from 'zod';

/**
 * How long the oldest message of the main queue has waited (`delivery status`). `seconds` is undefined when it
 * cannot be told; `reason` then says why. `asOf` is when the figure was measured (epoch ms).
 */
export type OldestAge = { seconds: number; asOf: number } | { seconds: undefined; reason: string };

/** The queue's name, the last part of its URL (`…/000000000000/name`). */
export const queueNameOf = (queueUrl: string): string => new URL(queueUrl).pathname.split('/').filter(Boolean).pop() ?? '';

/** How far back `delivery status` looks for a datapoint: SQS sends its metrics to CloudWatch once a minute. */
export const CLOUDWATCH_LOOKBACK_MS = 15 * 60_000;

/**
 * In AWS: GetQueueAttributes has no age, so the age comes from the CloudWatch metric `ApproximateAgeOfOldestMessage`
 * (namespace `AWS/SQS`, dimension `QueueName`, seconds; SQS publishes it at one-minute intervals while the queue is
 * active: Amazon SQS Developer Guide, "Available CloudWatch metrics for Amazon SQS"). The newest 1-minute Maximum
 * within the last 15 minutes is the answer.
 */
export async function oldestAgeFromCloudWatch(
  cloudWatch: Pick<CloudWatchClient, 'send'>,
  queueName: string,
  now: number,
): Promise<OldestAge> {
  const result = await cloudWatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(now - CLOUDWATCH_LOOKBACK_MS),
      EndTime: new Date(now),
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'oldest',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateAgeOfOldestMessage',
              Dimensions: [{ Name: 'QueueName', Value: queueName }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    }),
  );
  const series = result.MetricDataResults?.find((r) => r.Id === 'oldest');
  const points = (series?.Timestamps ?? []).map((t, i) => ({ at: t.getTime(), value: series?.Values?.[i] }));
  const newest = points.filter((p) => p.value !== undefined).sort((a, b) => b.at - a.at)[0];
  if (!newest || newest.value === undefined) {
    return { seconds: undefined, reason: 'no CloudWatch datapoint in the last 15 minutes (SQS publishes none for an idle queue)' };
  }
  return { seconds: newest.value, asOf: newest.at };
}

/** The parts of fauxqs' queue inspection answer read here (fauxqs README, "Queue inspection"). */
const InspectedMessage = z.object({ sentTimestamp: z.number() });
const InspectedQueue = z.object({
  messages: z.object({
    ready: z.array(InspectedMessage),
    delayed: z.array(InspectedMessage),
    inflight: z.array(z.object({ message: InspectedMessage })),
  }),
});

/**
 * Locally: the runner's in-process SQS (fauxqs) has no CloudWatch, but its inspection endpoint
 * `GET /_fauxqs/queues/<name>` lists every message (ready, delayed, in flight) with its SentTimestamp without
 * receiving any, so the age is exact: now − the oldest SentTimestamp, as SQS defines the metric.
 */
export async function oldestAgeFromLocalSqs(fetcher: typeof fetch, endpoint: string, queueName: string, now: number): Promise<OldestAge> {
  const response = await fetcher(new URL(`/_fauxqs/queues/${encodeURIComponent(queueName)}`, endpoint));
  if (!response.ok) return { seconds: undefined, reason: `the local SQS answered HTTP ${response.status} to the queue inspection` };
  const { messages } = InspectedQueue.parse(await response.json());
  // A loop, not Math.min(...all): a backlog of many thousand messages would overflow the argument list.
  let oldest = Number.POSITIVE_INFINITY;
  for (const m of [...messages.ready, ...messages.delayed, ...messages.inflight.map((i) => i.message)]) {
    oldest = Math.min(oldest, m.sentTimestamp);
  }
  if (oldest === Number.POSITIVE_INFINITY) return { seconds: 0, asOf: now };
  return { seconds: Math.max(0, Math.round((now - oldest) / 1000)), asOf: now };
}

/** "3 h 20 min", "12 min", "45 s" (pure). */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3_600)} h`;
}
