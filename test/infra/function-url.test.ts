import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { resolveStackConfig, StackConfigError } from '../../infra/config.ts';
import { buildStack, logicalId } from './stack-fixture.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** `-c endpoint=functionUrl`: the intake's own URL instead of the HTTP API (infra/front.ts, docs/deploy.md). */
describe('ForwarderStack with -c endpoint=functionUrl', () => {
  const { app, stack } = buildStack({ endpoint: 'functionUrl', intakeReservedConcurrency: '40' });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const intake = logicalId(stack.node.findChild('Intake').node.findChild('Function'));

  it('gives the intake a public function URL (the intake checks the token itself) and no HTTP API', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 0);
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      TargetFunctionArn: { 'Fn::GetAtt': [intake, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: { 'Fn::GetAtt': [intake, 'Arn'] },
      FunctionUrlAuthType: 'NONE',
      Principal: '*',
    });
  });

  it('bounds the intake with its reserved concurrency in place of API Gateway throttling', () => {
    expect(resources[intake]?.Properties.ReservedConcurrentExecutions).toBe(40);
  });

  it('outputs the routes on the function URL without its trailing slash', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const url = logicalId(stack.node.findChild('Intake').node.findChild('Function').node.findChild('FunctionUrl'));
    const base = { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [url, 'FunctionUrl'] }] }] };
    expect(outputs.ConnectorUrl?.Value).toEqual({ 'Fn::Join': ['', ['https://', base, '/v1/connector']] });
    expect(outputs.HealthUrl?.Value).toEqual({ 'Fn::Join': ['', ['https://', base, '/v1/health']] });
  });

  it("alarms on the function URL's 5xx (Lambda's Url5xxCount) instead of the HTTP API's", () => {
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
      (a) => (a as Resource).Properties.MetricName === 'Url5xxCount',
    ) as Resource | undefined;
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: intake } }],
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  it('has no stage-throttle alarm (there is no stage); the intake throttle alarm points at the reserved concurrency', () => {
    const monitoring = stack.node.findChild('Monitoring').node;
    expect(monitoring.tryFindChild('ApiNearThrottle')).toBeUndefined();
    const throttled = resources[logicalId(monitoring.findChild('IntakeThrottled'))]?.Properties;
    expect(throttled?.AlarmDescription).toMatch(/reserved concurrency \(intakeReservedConcurrency\)/);
  });

  it('passes cdk-nag with no acknowledgement added for the function URL', () => {
    expect(() => app.synth()).not.toThrow();
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });
});

describe('the default front', () => {
  it('is the HTTP API: no function URL and no reserved concurrency on the intake', () => {
    const { stack } = buildStack({});
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    const intake = logicalId(stack.node.findChild('Intake').node.findChild('Function'));
    expect((template.toJSON().Resources[intake] as Resource).Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(stack.node.findChild('Monitoring').node.tryFindChild('ApiNearThrottle')).toBeDefined();
  });
});

describe('the request body limit with a function URL', () => {
  const config = (context: Record<string, unknown>) => resolveStackConfig((key) => ({ posthogHost: 'eu', ...context })[key]);

  it("refuses a maxBodyBytes that cannot fit Lambda's 6 MB request payload, naming the setting", () => {
    expect(() => config({ endpoint: 'functionUrl', maxBodyBytes: String(5 * 1024 * 1024) })).toThrow(StackConfigError);
    expect(() => config({ endpoint: 'functionUrl', maxBodyBytes: String(5 * 1024 * 1024) })).toThrow(
      '-c maxBodyBytes: must be at most 4194304 with endpoint=functionUrl',
    );
  });

  it('accepts 4 MiB with a function URL, and up to the HTTP API limit with API Gateway', () => {
    expect(config({ endpoint: 'functionUrl', maxBodyBytes: String(4 * 1024 * 1024) }).maxBodyBytes).toBe(4 * 1024 * 1024);
    expect(config({ maxBodyBytes: String(10 * 1024 * 1024) }).maxBodyBytes).toBe(10 * 1024 * 1024);
  });

  it('refuses the access log with a function URL, which has none', () => {
    expect(() => config({ endpoint: 'functionUrl', apiAccessLog: 'true' })).toThrow(
      '-c apiAccessLog: needs endpoint=apiGateway (a function URL has no access log)',
    );
  });

  it('refuses an unknown endpoint', () => {
    expect(() => config({ endpoint: 'alb' })).toThrow('-c endpoint: must be apiGateway or functionUrl');
  });
});
