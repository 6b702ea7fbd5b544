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
