import { readFileSync } from 'node:fs';
import { buildStack, FEATURE_FLAGS } from './stack-fixture.ts';

const ROOT = new URL('../../', import.meta.url);
/** What `cdk init` writes into a new app's cdk.json: the recommended flags of the aws-cdk-lib that package.json pins. */
const recommended = JSON.parse(readFileSync(new URL('node_modules/aws-cdk-lib/recommended-feature-flags.json', ROOT), 'utf8')) as Record<
  string,
  unknown
>;

describe('cdk.json', () => {
  it('pins every feature flag a new app gets, at its recommended value, and no other', () => {
    // A bump of aws-cdk-lib that recommends a new flag fails here: decide on it (and read its FEATURE_FLAGS.md entry).
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    expect(FEATURE_FLAGS).toEqual(recommended);
  });

  it('tags the stack itself (explicitStackTags), so CloudFormation tags every resource', () => {
    const { app, stack } = buildStack({ stage: 'staging' });
    expect(app.synth().getStackByName(stack.stackName).tags).toEqual({ service: 'moengage-posthog-forwarder', stage: 'staging' });
  });
});
