import { GetMetricDataCommand, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';

/**
 * A CloudWatch GetMetricData stand-in behind the SDK client's `send`, holding SQS's one-minute datapoints of one
 * metric per queue. It follows the API reference (Amazon CloudWatch API Reference, "GetMetricData"): StartTime and
 * EndTime are required and StartTime must come before EndTime; each query Id starts with a lower-case letter;
 * Period is a multiple of 60 for a standard-resolution metric; a StartTime under 15 days ago is rounded down to the
 * whole minute; datapoints in [StartTime, EndTime) are aggregated per Period by the Stat; ScanBy TimestampDescending (the default) returns the newest first; StatusCode is Complete.
 * Only the Maximum statistic is implemented (the one `delivery status` asks for); anything else is refused loudly.
 */
export interface FakeCloudWatch {
  send(command: unknown): Promise<Partial<GetMetricDataCommandOutput>>;
  /** Adds a datapoint as SQS would publish it (seconds for ApproximateAgeOfOldestMessage). */
  put(queueName: string, metricName: string, at: number, value: number): void;
  /** Every request received, as the SDK command's input. */
  requests: GetMetricDataCommand['input'][];
}

export function fakeCloudWatch(): FakeCloudWatch {
  const points = new Map<string, Array<{ at: number; value: number }>>();
  const key = (namespace: string, metric: string, queue: string) => `${namespace}|${metric}|QueueName=${queue}`;
  const requests: GetMetricDataCommand['input'][] = [];
  return {
    requests,
    put: (queueName, metricName, at, value) => {
      const k = key('AWS/SQS', metricName, queueName);
      points.set(k, [...(points.get(k) ?? []), { at, value }]);
    },
    send: async (command) => {
      if (!(command instanceof GetMetricDataCommand)) throw new Error('the fake CloudWatch answers GetMetricData only');
      const input = command.input;
      requests.push(input);
      const requestedStart = input.StartTime?.getTime();
      const start = requestedStart === undefined ? undefined : Math.floor(requestedStart / 60_000) * 60_000;
      const end = input.EndTime?.getTime();
      if (start === undefined || end === undefined || start >= end) throw new Error('ValidationError: StartTime must be before EndTime');
      const MetricDataResults = (input.MetricDataQueries ?? []).map((query) => {
        if (!query.Id || !/^[a-z][A-Za-z0-9_]*$/.test(query.Id)) throw new Error(`ValidationError: invalid query Id "${query.Id}"`);
        const stat = query.MetricStat;
        if (!stat?.Metric || stat.Period === undefined || stat.Period % 60 !== 0)
          throw new Error('ValidationError: Period must be a multiple of 60');
        if (stat.Stat !== 'Maximum') throw new Error(`the fake CloudWatch implements the Maximum statistic only, got ${stat.Stat}`);
        const dimensions = stat.Metric.Dimensions ?? [];
        const queue = dimensions.length === 1 && dimensions[0]?.Name === 'QueueName' ? dimensions[0].Value : undefined;
        const series = queue === undefined ? [] : (points.get(key(stat.Metric.Namespace ?? '', stat.Metric.MetricName ?? '', queue)) ?? []);
        const periodMs = stat.Period * 1000;
        const buckets = new Map<number, number>();
        for (const p of series) {
          if (p.at < start || p.at >= end) continue;
          const bucket = start + Math.floor((p.at - start) / periodMs) * periodMs;
          buckets.set(bucket, Math.max(buckets.get(bucket) ?? Number.NEGATIVE_INFINITY, p.value));
        }
        const ascending = input.ScanBy === 'TimestampAscending';
        const ordered = [...buckets.entries()].sort(([a], [b]) => (ascending ? a - b : b - a));
        return {
          Id: query.Id,
          Label: stat.Metric.MetricName,
          Timestamps: ordered.map(([at]) => new Date(at)),
          Values: ordered.map(([, value]) => value),
          StatusCode: 'Complete' as const,
        };
      });
      return { MetricDataResults, Messages: [] };
    },
  };
}
