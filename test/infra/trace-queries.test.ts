import { Template } from 'aws-cdk-lib/assertions';
import { TRACE_LOG_OUTPUTS } from '../../cli/trace-logs.ts';
import { TRACE_PLACEHOLDER } from '../../infra/trace-queries.ts';
import { traceQuery } from '../../shared/platform/trace-keys.ts';
import { buildStack, logicalId } from './stack-fixture.ts';

type Definition = { Name: string; QueryString: string; LogGroupNames: unknown[] };

describe('saved Logs Insights queries and the log group outputs trace reads', () => {
  const { stack } = buildStack({ stage: 'staging' });
  const template = Template.fromStack(stack);
  const definitions = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map((r) => r.Properties as Definition);
  const ref = (child: string) => ({ Ref: logicalId(stack.node.findChild(child).node.findChild('Logs')) });
  const byName = (name: string) => definitions.find((d) => d.Name === `moengage-posthog/staging/${name}`);

  it('saves the trace query the CLI runs, over the intake and forwarder log groups', () => {
    expect(definitions.map((d) => d.Name).sort()).toEqual(
      ['deliveries retried', 'events dead-lettered', 'requests rejected, by reason', 'trace one event (uuid or insert_id)'].map(
        (n) => `moengage-posthog/staging/${n}`,
      ),
    );
    const trace = byName('trace one event (uuid or insert_id)');
    expect(trace?.QueryString).toBe(traceQuery([TRACE_PLACEHOLDER], 1_000));
    expect(trace?.LogGroupNames).toEqual([ref('Intake'), ref('Forwarder')]);
  });

  it('reads the lines the forwarder and the intake write, by their messages', () => {
    expect(byName('events dead-lettered')?.QueryString).toContain('| filter message = "event dead-lettered"');
    expect(byName('events dead-lettered')?.LogGroupNames).toEqual([ref('Forwarder')]);
    expect(byName('deliveries retried')?.QueryString).toContain('| filter message = "delivery will be retried"');
    expect(byName('requests rejected, by reason')?.QueryString).toBe(
      'filter message = "intake request" and outcome = "rejected"\n| stats count(*) as requests by reason, route\n| sort requests desc',
    );
    expect(byName('requests rejected, by reason')?.LogGroupNames).toEqual([ref('Intake')]);
  });

  it('outputs the two log group names under the keys the trace command reads', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(TRACE_LOG_OUTPUTS.map((key) => outputs[key]?.Value)).toEqual([ref('Intake'), ref('Forwarder')]);
  });
});
