import { App } from 'aws-cdk-lib';
import { resolvePostHogHost } from '../shared/posthog-host.ts';
import { ForwarderStack } from './forwarder-stack.ts';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key) as string | undefined;
const stage = context('stage') ?? 'prod';
const posthogHost = context('posthogHost') ?? 'us';
if (!resolvePostHogHost(posthogHost).ok) throw new Error(`-c posthogHost must be "us", "eu" or an http(s) URL, got "${posthogHost}"`);
const number = (key: string): number | undefined => {
  const value = context(key);
  return value === undefined ? undefined : Number(value);
};

new ForwarderStack(app, `MoEngagePostHogForwarder-${stage}`, {
  stage,
  posthogHost,
  maxReceiveCount: number('maxReceiveCount'),
  maxConcurrency: number('maxConcurrency'),
  description: `MoEngage → PostHog forwarder (${stage})`,
});
