import { Aws } from 'aws-cdk-lib';

/**
 * Tracing with `-c tracing=true`: Lambda's active tracing plus AWS's OpenTelemetry Lambda layer for Node.js
 * (`AWSOpenTelemetryDistroJs`, the layer family AWS recommends since the X-Ray SDKs entered maintenance on
 * 2026-02-25: docs.aws.amazon.com/xray/latest/devguide/xray-nodejs.html; CDK's own `adotInstrumentation` still
 * adds the legacy collector layers, its docs say). The layer's wrapper script starts OpenTelemetry's SDK before the
 * handler loads; the forwarder's PostHog requests are spans of their own (shared/delivery/request-span.ts) that
 * the SDK exports to X-Ray through the Lambda X-Ray daemon.
 */

/** The account AWS publishes the layer from in most regions, and the version this stack was checked with. */
const OTEL_LAYER_ACCOUNT = '615299751070';
const OTEL_LAYER_VERSION = 12;

/**
 * The layer in the stack's own region. Versions differ by region and a few regions publish from another account
 * (ap-east-1: 888577020596), so `-c tracingLayerArn=` takes any ARN from AWS's table (docs/deploy.md, "Logs and tracing").
 */
export const defaultOtelLayerArn = (): string =>
  `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${OTEL_LAYER_ACCOUNT}:layer:AWSOpenTelemetryDistroJs:${OTEL_LAYER_VERSION}`;

/**
 * The environment that turns the layer on: its wrapper script, and traces only (Application Signals, on by default in
 * the layer, would add metrics and a log group of its own, each with its own price).
 */
export const TRACING_ENVIRONMENT: Record<string, string> = {
  AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument',
  OTEL_AWS_APPLICATION_SIGNALS_ENABLED: 'false',
};
