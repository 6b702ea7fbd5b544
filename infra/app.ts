import { App } from 'aws-cdk-lib';
import { buildForwarderApp } from './build.ts';

// Settings come from CDK context: `npx cdk deploy -c stage=prod -c posthogHost=eu` (see docs/deploy.md).
buildForwarderApp(new App());
