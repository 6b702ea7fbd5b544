import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The Lambda runtime every function deploys on; tests and CI run on the same Node major (test/infra/runtime.test.ts). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

const ROOT = new URL('..', import.meta.url).pathname;

/** How each function is bundled (esbuild through NodejsFunction); bench/cold-start.ts builds with the same settings. */
export const BUNDLING = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: true,
  target: 'node24',
  mainFields: ['module', 'main'],
  // Bundle the AWS SDK too (the default leaves @aws-sdk/* to the runtime's copy): the deployed code then runs the
  // exact SDK versions that package-lock.json pins and the tests ran, and starts faster (docs/benchmarks.md).
  externalModules: [],
  // Some CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} satisfies BundlingOptions;

/** NODE_OPTIONS of every function. */
export const NODE_OPTIONS = '--enable-source-maps';

export interface ServiceFunctionProps {
  /** functions/<name>/handler.ts; also the Powertools service name (the `service` metric dimension). */
  name: 'intake' | 'forwarder' | 'prober' | 'cohort-sync';
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  /** Powertools metrics namespace (POWERTOOLS_METRICS_NAMESPACE). */
  metricsNamespace: string;
  logRetention: RetentionDays;
  description: string;
}

/**
 * A Lambda function with the shared defaults: Node.js 24 on arm64, an ESM bundle (minified, with source maps) of
 * only what functions/<name>/handler.ts imports, JSON logs in a log group of its own with a retention, X-Ray
 * active tracing, and a role of its own that may write only to that log group; callers grant the rest.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.name} function: its own logs, X-Ray, and the queues and secrets granted by the stack`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): its own log group only.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );
    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: `${ROOT}functions/${props.name}/handler.ts`,
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: this.logGroup,
      environment: {
        NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: BUNDLING,
    });
  }
}
