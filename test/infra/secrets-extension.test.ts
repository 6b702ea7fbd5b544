import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { Fact, FactName } from 'aws-cdk-lib/region-info';
import { EXTENSION_PORT } from '../../shared/platform/secrets-extension.ts';
import { buildStack, SECRETS_EXTENSION_ENV, SECRETS_EXTENSION_LAYER } from './stack-fixture.ts';

type Resource = { Properties: { Layers?: unknown[]; Environment: { Variables: Record<string, unknown> } } };

const functionsOf = (context: Record<string, unknown>) =>
  Object.values(Template.fromStack(buildStack(context).stack).findResources('AWS::Lambda::Function')) as Resource[];

describe("every function reads its secrets through AWS's Parameters and Secrets extension", () => {
  const functions = functionsOf({ cohortSync: 'true' });

  it('has the layer for the stack region (arm64) and the extension environment: its own cache off, a 2 s bound on Secrets Manager', () => {
    expect(functions.length).toBe(4); // intake, forwarder, prober, cohort sync
    for (const fn of functions) {
      expect(fn.Properties.Layers).toEqual([SECRETS_EXTENSION_LAYER]);
      expect(fn.Properties.Environment.Variables).toMatchObject(SECRETS_EXTENSION_ENV);
    }
  });

  it('answers on the port the functions ask when the variable is unset', () => {
    expect(SECRETS_EXTENSION_ENV.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT).toBe(String(EXTENSION_PORT));
  });

  it('takes another layer ARN with -c secretsExtensionLayerArn (a region missing from aws-cdk-lib’s table)', () => {
    const arn = 'arn:aws:lambda:eu-central-2:123456789012:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:17';
    for (const fn of functionsOf({ cohortSync: 'true', secretsExtensionLayerArn: arn })) {
      expect(fn.Properties.Layers).toEqual([arn]);
      expect(fn.Properties.Environment.Variables).toMatchObject(SECRETS_EXTENSION_ENV);
    }
  });
});

describe('docs/deploy.md on the extension layer', () => {
  const docs = readFileSync('docs/deploy.md', 'utf8');
  const paragraph = docs.slice(docs.indexOf("The functions read the secrets through AWS's Parameters and Secrets Lambda Extension"));
  const arm64 = (region: string) => Fact.find(region, FactName.paramsAndSecretsLambdaLayer('1.0.103', 'arm64'));

  it("counts the regions aws-cdk-lib's table has, and names only regions missing from it", () => {
    const covered = Fact.regions.filter((region) => arm64(region) !== undefined);
    expect(paragraph).toContain(`which has it\nfor ${covered.length} regions`);
    const named = paragraph.slice(0, paragraph.indexOf('the deploy fails')).match(/\b[a-z]{2}-[a-z]+-\d\b/g) ?? [];
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((region) => arm64(region) !== undefined)).toEqual([]);
  });
});
