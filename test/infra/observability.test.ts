import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildStack, logicalId, SECRETS_EXTENSION_LAYER } from './stack-fixture.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown };

/** The settings that trade cost for visibility: -c tracing, -c logLevel, -c apiAccessLog (docs/deploy.md). */
describe('ForwarderStack with tracing, DEBUG logs and the access log turned on', () => {
  const { app, stack } = buildStack({ tracing: 'true', logLevel: 'DEBUG', apiAccessLog: 'true', cohortSync: 'true' });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');

  it('traces every function with X-Ray and logs at the chosen level (Powertools reads the same level)', () => {
    expect(functions.length).toBeGreaterThanOrEqual(4);
    for (const [, r] of functions) {
      expect(r.Properties).toMatchObject({
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'WARN' },
      });
      expect((r.Properties.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_LOG_LEVEL).toBe('DEBUG');
    }
  });

  it("adds AWS's OpenTelemetry layer in the stack's region to every function, traces only (no Application Signals)", () => {
    for (const [, r] of functions) {
      // After the Parameters and Secrets extension every function has (test/infra/secrets-extension.test.ts).
      expect(r.Properties.Layers).toEqual([
        SECRETS_EXTENSION_LAYER,
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':615299751070:layer:AWSOpenTelemetryDistroJs:12'],
          ],
        },
      ]);
      expect((r.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument',
        OTEL_AWS_APPLICATION_SIGNALS_ENABLED: 'false',
      });
    }
  });

  it('grants the X-Ray wildcard only to the traced functions’ roles, and only for xray: actions', () => {
    const wildcard = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => JSON.stringify(s.Resource) === '"*"');
    expect(wildcard.flatMap((s) => [s.Action].flat()).every((a) => a.startsWith('xray:'))).toBe(true);
    expect(wildcard).toHaveLength(functions.length);
  });

  it('writes JSON access logs, without headers or query strings, to a log group with a retention', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;
    const settings = stage.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
    expect(Object.values(format).some((v) => /header|querystring|authorizer/i.test(v))).toBe(false);
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(stack.node.findChild('ApiAccessLogs')), 'Arn'] });
    expect(resources[logicalId(stack.node.findChild('ApiAccessLogs'))]?.Properties).toMatchObject({ RetentionInDays: 30 });
  });

  it('passes cdk-nag: the X-Ray wildcard is acknowledged where it exists, and no access-log finding remains', () => {
    expect(() => app.synth()).not.toThrow();
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });
});

describe('-c tracingLayerArn', () => {
  const arn = 'arn:aws:lambda:ap-east-1:888577020596:layer:AWSOpenTelemetryDistroJs:15';

  it('replaces the default layer when tracing is on', () => {
    const { stack } = buildStack({ tracing: 'true', tracingLayerArn: arn });
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as Resource[];
    expect(functions.map((r) => r.Properties.Layers)).toEqual(functions.map(() => [SECRETS_EXTENSION_LAYER, arn]));
  });

  it('adds nothing while tracing is off (the default): no layer but the secrets extension, no wrapper, no tracing config', () => {
    const { stack } = buildStack({ tracingLayerArn: arn });
    for (const r of Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as Resource[]) {
      expect(r.Properties.Layers).toEqual([SECRETS_EXTENSION_LAYER]);
      expect(JSON.stringify(r.Properties.Environment)).not.toContain('otel');
      expect(r.Properties.TracingConfig).toBeUndefined();
    }
  });
});
