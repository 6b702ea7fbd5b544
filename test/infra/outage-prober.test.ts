import { Match, Template } from 'aws-cdk-lib/assertions';
import { PAUSE_ALARMS } from '../../infra/outage-prober.ts';
import { buildStack } from './stack-fixture.ts';

describe('the outage prober (circuit breaker)', () => {
  const template = Template.fromStack(buildStack({ stage: 'outage', outageProbeSeconds: '120', retryMaxSeconds: '300' }).stack);
  const prober = () =>
    Object.entries(template.findResources('AWS::Lambda::Function')).find(
      ([, r]) =>
        (r as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables
          .POWERTOOLS_SERVICE_NAME === 'prober',
    );

  it('runs every OUTAGE_PROBE_SECONDS with the forwarder’s settings and its event source mapping', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
    const [, fn] = prober() ?? [];
    const variables = (fn as { Properties: { Environment: { Variables: Record<string, { Ref?: string } | string> } } }).Properties
      .Environment.Variables;
    expect(variables).toMatchObject({ OUTAGE_PROBE_SECONDS: '120', RETRY_MAX_SECONDS: '300' });
    const esm = (variables.EVENT_SOURCE_MAPPING_ID as { Ref: string }).Ref;
    expect(template.findResources('AWS::Lambda::EventSourceMapping')).toHaveProperty(esm);
  });

  it('may turn only that event source mapping on and off', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
            Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':event-source-mapping:')])] },
          }),
        ]),
      },
    });
  });

  it.each(Object.entries(PAUSE_ALARMS))('alarms "%s" with what to do, on the alarm topic', (cause, description) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveryPausedMinutes',
      Dimensions: Match.arrayWith([{ Name: 'cause', Value: cause }]),
      AlarmDescription: Match.stringLikeRegexp(description.slice(0, 40).replace(/[()]/g, '.')),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
  });

  it('refuses a probe interval EventBridge cannot schedule', () => {
    expect(() => buildStack({ stage: 'odd', outageProbeSeconds: '90' })).toThrow('outageProbeSeconds: must be a whole number of minutes');
  });
});
