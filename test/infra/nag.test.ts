import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildStack } from './stack-fixture.ts';

interface Acknowledgment {
  path: string;
  id: string;
  reason: string;
}

/** Every `Validations.of(x).acknowledge(...)` in the tree, read back from construct metadata. */
function acknowledgments(root: IConstruct): Acknowledgment[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

type Finding = { rule: string; path: string };
const findings = (report: ReturnType<AwsSolutionsChecks['validateScope']>): Finding[] =>
  report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({ rule: v.ruleName, path: (r as { constructPath?: string }).constructPath ?? '' })),
  );

describe('cdk-nag AwsSolutions checks', () => {
  const { app, stack } = buildStack({ alarmEmail: 'ops@example.com' });

  it('are registered on the app, so `cdk synth` and `cdk deploy` run them and fail on a finding', () => {
    // Synthesis runs the validation plugins and throws ("Validation failed") on an unacknowledged finding.
    expect(() => app.synth()).not.toThrow();
  });

  it('report no unacknowledged finding', () => {
    expect(findings(new AwsSolutionsChecks().validateScope(app))).toEqual([]);
  });

  it('acknowledge each finding with a written reason', () => {
    const acks = acknowledgments(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-/);
      expect(ack.reason.length).toBeGreaterThan(80);
    }
  });

  it('acknowledge only findings that exist (no stale acknowledgment hides a future one)', () => {
    const checks = new AwsSolutionsChecks();
    // The pack's acknowledgment lookup is private; turn it off to see the raw findings.
    Object.defineProperty(checks, 'isAcknowledged', { value: () => false });
    const raw = findings(checks.validateScope(app));
    const acknowledged = acknowledgments(stack);
    for (const ack of acknowledged) {
      const covered = raw.filter((f) => f.rule === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)));
      expect({ ack: `${ack.id} on ${ack.path}`, covers: covered.length > 0 }).toEqual({ ack: `${ack.id} on ${ack.path}`, covers: true });
    }
    // And every raw finding is one of the acknowledged ones.
    for (const finding of raw) {
      const ack = acknowledged.find((a) => a.id === finding.rule && (finding.path === a.path || finding.path.startsWith(`${a.path}/`)));
      expect({ finding, acknowledged: ack !== undefined }).toEqual({ finding, acknowledged: true });
    }
    // Defaults: no X-Ray (so no IAM5 wildcard) and no access log (APIG1); test/infra/observability.test.ts turns both on.
    expect(raw.map((f) => f.rule).sort()).toEqual(['AwsSolutions-APIG1', 'AwsSolutions-APIG4', 'AwsSolutions-SMG4', 'AwsSolutions-SMG4']);
  });

  it('would fail synthesis on a finding nobody acknowledged', () => {
    const { app: other, stack: otherStack } = buildStack();
    // An unencrypted, plain-HTTP queue without a DLQ: three AwsSolutions findings.
    new Queue(otherStack, 'Unprotected');
    expect(() => other.synth()).toThrow(/AwsSolutions-SQS/);
  });
});
