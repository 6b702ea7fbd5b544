import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.ts';

export interface HttpFront {
  api: HttpApi;
  stage: HttpStage;
}

export interface HttpFrontProps {
  config: Pick<StackConfig, 'stage' | 'apiAccessLog' | 'throttlingRateLimit' | 'throttlingBurstLimit'>;
  intake: IFunction;
  logRetention: RetentionDays;
}

/**
 * The HTTP API in front of the intake. Every route goes to the intake function (the $default route), so
 * POST /v1/connector, POST /v1/streams and GET /v1/health work and any other path or method gets the contract's JSON
 * 404/405 from the function. Construct ids are the stack's own (scope = the stack), as before this module existed.
 */
export function createHttpFront(scope: Construct, { config, intake, logRetention }: HttpFrontProps): HttpFront {
  const api = new HttpApi(scope, 'Api', {
    apiName: `moengage-posthog-forwarder-${config.stage}`,
    description: `MoEngage → PostHog forwarder (${config.stage})`,
    defaultIntegration: new HttpLambdaIntegration('IntakeIntegration', intake),
    createDefaultStage: false,
  });
  // The access log (`-c apiAccessLog=true`) repeats what the intake's metrics and WARN/ERROR lines already say,
  // at one line per request: off by default (docs/deploy.md, "Logs and tracing").
  const accessLogs = config.apiAccessLog
    ? new LogGroup(scope, 'ApiAccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY })
    : undefined;
  const stage = new HttpStage(scope, 'ApiStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: config.throttlingRateLimit, burstLimit: config.throttlingBurstLimit },
    ...(accessLogs && { accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT } }),
  });
  if (!accessLogs) {
    Validations.of(stage).acknowledge({
      id: 'AwsSolutions-APIG1',
      reason:
        'The access log is a setting (-c apiAccessLog=true), off by default for cost: every rejected request is logged by the intake function with its reason (WARN), every 5xx at ERROR, and the Received/Queued/Rejected metrics and API Gateway metrics count the rest.',
    });
  }
  Validations.of(api.node.findChild('DefaultRoute')).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'MoEngage can only send a static header (no SigV4, no JWT issuer), so the intake function authenticates the shared token itself (Bearer or Basic, constant-time, several tokens for rotation); GET /v1/health is public by contract.',
  });
  return { api, stage };
}

/** One JSON object per request; no headers or query strings, so no token can reach the access log. */
export const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    httpMethod: '$context.httpMethod',
    path: '$context.path',
    routeKey: '$context.routeKey',
    protocol: '$context.protocol',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    errorMessage: '$context.error.message',
  }),
);
