import { App } from 'aws-cdk-lib';
import { buildForwarderApp } from './build.ts';
import { StackConfigError } from './config.ts';

// Settings come from CDK context: `npx cdk deploy -c stage=prod -c posthogHost=eu` (see docs/deploy.md).
// A bad setting is the operator's to fix: one line naming it, no stack trace (the CDK CLI then reports the exit).
try {
  buildForwarderApp(new App());
} catch (error) {
  if (!(error instanceof StackConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  // Exit now: the App would otherwise synthesize its empty tree when the process ends.
  process.exit(1);
}
