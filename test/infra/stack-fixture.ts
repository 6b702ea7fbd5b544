import { readFileSync } from 'node:fs';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { buildForwarderApp } from '../../infra/build.ts';
import type { ForwarderStack } from '../../infra/forwarder-stack.ts';

/** The CDK feature flags cdk.json pins (`@aws-cdk…` keys), so the tests synthesize what `cdk deploy` does. */
export const FEATURE_FLAGS: Record<string, unknown> = Object.fromEntries(
  Object.entries(
    (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context,
  ).filter(([key]) => key.startsWith('@aws-cdk')),
);

/**
 * Builds the stack the way infra/app.ts does, from CDK context and cdk.json's feature flags. Bundling (esbuild, about a second per function) is
 * skipped unless asked for, so most tests stay fast.
 */
export function buildStack(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}): { app: App; stack: ForwarderStack } {
  const app = new App({
    context: {
      ...FEATURE_FLAGS,
      posthogHost: 'eu',
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
  return { app, stack: buildForwarderApp(app) };
}

/** The logical id of a construct's CloudFormation resource (its default child when it is an L2). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** The layer every function gets by default: aws-cdk-lib's per-region map of the Parameters and Secrets extension (arm64). */
export const SECRETS_EXTENSION_LAYER = { 'Fn::FindInMap': ['ParamsandsecretslayerMap', { Ref: 'AWS::Region' }, '1x0x103xarm64'] };

/** The extension's environment as aws-cdk-lib writes it from infra/secrets-extension.ts' options. */
export const SECRETS_EXTENSION_ENV = {
  PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'false',
  PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '1000',
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773',
  PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'warn',
  PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS: '3',
  SECRETS_MANAGER_TIMEOUT_MILLIS: '2000',
  SECRETS_MANAGER_TTL: '300',
  SSM_PARAMETER_STORE_TIMEOUT_MILLIS: '0',
  SSM_PARAMETER_STORE_TTL: '300',
};
