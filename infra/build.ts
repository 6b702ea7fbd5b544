import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { resolveStackConfig, stackName } from './config.ts';
import { ForwarderStack } from './forwarder-stack.ts';

/**
 * Adds the stage's stack (settings from CDK context, see config.ts) and the cdk-nag AwsSolutions checks, which run
 * during synthesis: any unacknowledged finding fails `cdk synth` and `cdk deploy`.
 */
export function buildForwarderApp(app: App): ForwarderStack {
  const config = resolveStackConfig((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext()));
  const stack = new ForwarderStack(app, stackName(config.stage), {
    config,
    description: `MoEngage → PostHog forwarder (${config.stage})`,
    // Stack tags, which CloudFormation applies to every resource that takes tags (cdk.json pins
    // @aws-cdk/core:explicitStackTags, under which Tags.of(stack) no longer tags the stack itself).
    tags: { service: 'moengage-posthog-forwarder', stage: config.stage },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
