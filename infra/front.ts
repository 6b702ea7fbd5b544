import { Fn } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { type IMetric, Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { FunctionUrlAuthType, type IFunction, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/** How MoEngage reaches the intake: the HTTP API (default) or the intake's own Lambda function URL. */
export type Endpoint = 'apiGateway' | 'functionUrl';

/** The front's request metrics, for the alarms and the dashboard (infra/monitoring.ts). */
export interface FrontMetrics {
  title: string;
  /** Whether the front throttles requests itself (the HTTP API's stage throttle); a function URL does not. */
  throttled: boolean;
  /** Request and error counts (Sum) and the latency's p99, with the period and label given. */
  requests(options: MetricOptions): IMetric;
  clientErrors(options: MetricOptions): IMetric;
  serverErrors(options: MetricOptions): IMetric;
  latencyP99(options: MetricOptions): IMetric;
}

export interface Front {
  /** Base URL, without a trailing slash: the routes are `${url}/v1/connector` and so on. */
  url: string;
  metrics: FrontMetrics;
}

export const httpApiMetrics = (stage: HttpStage): FrontMetrics => ({
  title: 'HTTP API',
  throttled: true,
  requests: (options) => stage.metricCount(options),
  clientErrors: (options) => stage.metricClientError({ statistic: 'Sum', ...options }),
  serverErrors: (options) => stage.metricServerError({ statistic: 'Sum', ...options }),
  latencyP99: (options) => stage.metricLatency({ statistic: 'p99', ...options }),
});

/**
 * The intake's function URL (`-c endpoint=functionUrl`). Lambda hands the function the same event as the HTTP API
 * (payload format 2.0, https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html), so the intake serves both
 * with the same auth (its own token check: auth type NONE), limits and answers. What differs: the request payload is
 * at most 6 MB (the HTTP API takes 10 MB; infra/config.ts bounds maxBodyBytes accordingly), there is no stage
 * throttling (the intake's reserved concurrency bounds it instead, set by infra/pipeline-functions.ts) and no
 * access log. Its metrics are Lambda's Url* metrics (https://docs.aws.amazon.com/lambda/latest/dg/urls-monitoring.html).
 */
export function createFunctionUrlFront(intake: IFunction & Construct): Front {
  const functionUrl = intake.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
  const metric = (metricName: string, statistic: string) => (options: MetricOptions) =>
    new Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap: { FunctionName: intake.functionName }, statistic, ...options });
  return {
    // The function URL ends with "/" (https://<id>.lambda-url.<region>.on.aws/); keep the scheme and host only, so
    // the routes are appended as to the HTTP API's endpoint.
    url: `https://${Fn.select(2, Fn.split('/', functionUrl.url))}`,
    metrics: {
      title: 'Function URL',
      throttled: false,
      requests: metric('UrlRequestCount', 'Sum'),
      clientErrors: metric('Url4xxCount', 'Sum'),
      serverErrors: metric('Url5xxCount', 'Sum'),
      latencyP99: metric('UrlRequestLatency', 'p99'),
    },
  };
}
