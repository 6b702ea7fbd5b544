import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type Schedule, Rule, Schedule as Schedules } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IConstruct } from 'constructs';
import type * as z from 'zod';
import { SyncListSchema } from '../shared/cohort-sync/schemas.ts';
import { resolvePostHogAppHost } from '../shared/cohort-sync/hosts.ts';
import { METRICS_NAMESPACE } from '../shared/platform/observability.ts';
import { type FunctionObservability, ServiceFunction } from './function-defaults.ts';

const STATE_PREFIX = 'cohort-sync/';

export interface CohortSyncProps {
  stage: string;
  /** `us`, `eu` or the URL of a self-hosted PostHog: the app host of the private API, not the `.i.` ingestion host. */
  posthogAppHost: string;
  /** The syncs, validated at synth time; leave out to keep them in the secret's `syncs` list instead. */
  syncs?: z.input<typeof SyncListSchema>;
  /** Default: every 15 minutes (the cadence of Mixpanel's dynamic sync). */
  schedule?: Schedule;
  /** Powertools metrics namespace of the stack (default: the shared METRICS_NAMESPACE). */
  metricsNamespace?: string;
  /** Default: one month, like the other functions' default. */
  logRetention?: RetentionDays;
  /** Tracing and log level, as for the stack's other functions (default: no tracing, INFO). */
  observability?: FunctionObservability;
  /** `-c secretsExtensionLayerArn` (infra/secrets-extension.ts). */
  secretsExtensionLayerArn?: string | undefined;
}

/**
 * PostHog cohorts → MoEngage custom segments: a scheduled Lambda, its JSON secret (PostHog personal API key,
 * MoEngage App ID, API key and data centre), an S3 bucket for the last synced membership, and a failure alarm (the
 * stack sends it to its alarm topic: Monitoring.notify).
 */
export class CohortSync extends Construct {
  readonly service: ServiceFunction;
  readonly function: NodejsFunction;
  readonly secret: Secret;
  readonly stateBucket: Bucket;
  readonly failureAlarm: Alarm;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: CohortSyncProps) {
    super(scope, id);
    const host = resolvePostHogAppHost(props.posthogAppHost);
    if (!host.ok) throw new Error(`CohortSync posthogAppHost: ${host.message}`);
    let syncs: string | undefined;
    if (props.syncs !== undefined) {
      const parsed = SyncListSchema.safeParse(props.syncs);
      if (!parsed.success)
        throw new Error(`CohortSync syncs: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      syncs = JSON.stringify(parsed.data);
    }

    this.secret = new Secret(this, 'Secret', {
      description: `Cohort sync credentials (${props.stage}): {"posthogPersonalApiKey":"phx_…","moengageAppId","moengageApiKey","moengageDataCenter":"1"–"6"|"101"}; set it after deploying`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ posthogPersonalApiKey: 'phx_set-me', moengageAppId: 'set-me', moengageDataCenter: '1' }),
        generateStringKey: 'moengageApiKey',
        excludePunctuation: true,
      },
    });
    this.stateBucket = new Bucket(this, 'State', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.service = new ServiceFunction(this, 'Function', {
      name: 'cohort-sync',
      description: `PostHog cohorts → MoEngage custom segments (${props.stage})`,
      metricsNamespace: props.metricsNamespace ?? METRICS_NAMESPACE,
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      observability: props.observability,
      secretsExtensionLayerArn: props.secretsExtensionLayerArn,
      memorySize: 1024,
      // Shorter than the schedule, so runs never overlap; a run stopped by the deadline resumes on the next one.
      timeout: Duration.minutes(14),
      environment: {
        POSTHOG_APP_HOST: props.posthogAppHost,
        COHORT_SYNC_SECRET: this.secret.secretArn,
        COHORT_SYNC_STATE_BUCKET: this.stateBucket.bucketName,
        COHORT_SYNC_STATE_PREFIX: STATE_PREFIX,
        ...(syncs === undefined ? {} : { COHORT_SYNCS: syncs }),
      },
    });
    this.function = this.service.function;
    // One run at a time: the state object per sync is read, then written after every acknowledged request.
    (this.function.node.defaultChild as CfnFunction).reservedConcurrentExecutions = 1;
    this.secret.grantRead(this.function);
    // Get and put under the prefix; ListBucket so that a sync's first GetObject answers 404 (NoSuchKey), not 403.
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [this.stateBucket.arnForObjects(`${STATE_PREFIX}*`)] }),
    );
    this.function.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.stateBucket.bucketArn] }));

    this.rule = new Rule(this, 'Schedule', {
      description: `Cohort sync PostHog → MoEngage (${props.stage})`,
      schedule: props.schedule ?? Schedules.rate(Duration.minutes(15)),
      // No async retries: the next scheduled run resumes from the saved state.
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    this.failureAlarm = new Alarm(this, 'FailureAlarm', {
      alarmDescription: `A cohort sync run failed: read the cohort-sync function's ERROR lines (a refused key, a missing cohort or segment, a MoEngage limit); the next run resumes from the saved state. Check with \`npx moengage-posthog cohort-sync run --stack <stack> --dry-run\` (moengage-posthog-forwarder ${props.stage}; runbook: docs/operations.md, "Alarms")`,
      metric: this.function.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    acknowledge(
      this.secret,
      'AwsSolutions-SMG4',
      'Holds a PostHog personal API key and MoEngage keys issued by those vendors; rotated by hand in their dashboards.',
    );
    acknowledge(
      this.stateBucket,
      'AwsSolutions-S1',
      'Holds only sync state written by one function; access is through its IAM role and CloudTrail.',
    );
    acknowledge(
      this.service.role,
      `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.stateBucket.node.defaultChild as CfnBucket)}.Arn>/${STATE_PREFIX}*]`,
      'One state object per sync under the prefix; the keys are derived from the configured syncs.',
    );

    new CfnOutput(this, 'SecretName', { value: this.secret.secretName, description: 'Put the cohort-sync credentials here' });
    new CfnOutput(this, 'StateBucketName', { value: this.stateBucket.bucketName });
  }
}

const acknowledge = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
