import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LayerVersion, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { secretsExtension } from './secrets-extension.ts';
import { defaultOtelLayerArn, TRACING_ENVIRONMENT } from './tracing.ts';

/** The Lambda runtime every function deploys on; tests and CI run on the same Node major (test/infra/runtime.test.ts). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * Modules swapped at bundling (esbuild's alias, paths from the project root where NodejsFunction runs esbuild): the
 * AWS SDK's default credential chain becomes the environment provider, the one source Lambda uses
 * (shared/platform/lambda-credentials.ts says why), and the SDK's event-stream codec, which no bundled client's
 * operation uses, a stand-in that says so if it is ever reached (shared/platform/no-event-streams.ts).
 */
export const LAMBDA_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': './shared/platform/lambda-credentials.ts',
  '@smithy/core/event-streams': './shared/platform/no-event-streams.ts',
};

/** How each function is bundled (esbuild through NodejsFunction); bench/cold-start.ts builds with the same settings. */
export const BUNDLING = {
  // CommonJS, not ESM: Node.js loads `node:http` through an ES module import by evaluating its lazy WebSocket getters,
  // which loads Node's own copy of undici (~20 ms of every cold start, nodejs/node#57649); require() does not.
  // Nothing here needs ESM (no top-level await, no import.meta); docs/benchmarks.md, section 4.
  format: OutputFormat.CJS,
  minify: true,
  sourceMap: true,
  // Stack traces map to file:line through the mappings alone; without the sources the map is ~3× smaller and
  // NODE_OPTIONS=--enable-source-maps reads it faster at init.
  sourcesContent: false,
  target: 'node24',
  mainFields: ['module', 'main'],
  // Bundle the AWS SDK too (the default leaves @aws-sdk/* to the runtime's copy): the deployed code then runs the
  // exact SDK versions that package-lock.json pins and the tests ran, and starts faster (docs/benchmarks.md).
  externalModules: [],
  // The handler as a plain, writable export (esbuild's CommonJS exports are getters): OpenTelemetry's Lambda
  // instrumentation wraps it in place, which AWS's layer docs ask esbuild users to allow (aws-otel.github.io, Lambda JS).
  footer: 'module.exports = { ...module.exports };',
  esbuildArgs: Object.fromEntries(Object.entries(LAMBDA_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
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
  /** Tracing and log level; default: no tracing, INFO (docs/deploy.md, "Logs and tracing"). */
  observability?: FunctionObservability | undefined;
  /** AWS's ARN of the Parameters and Secrets extension layer (`-c secretsExtensionLayerArn`); default: aws-cdk-lib's for the region. */
  secretsExtensionLayerArn?: string | undefined;
  /** Concurrency set aside for this function and its ceiling; default: none (the account's unreserved pool). */
  reservedConcurrentExecutions?: number | undefined;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface FunctionObservability {
  /**
   * Active tracing and AWS's OpenTelemetry layer (`-c tracing=true`, infra/tracing.ts); off by default: it costs per
   * trace and nothing reads it daily.
   */
  tracing: boolean;
  /** The OpenTelemetry layer's ARN (`-c tracingLayerArn`); default: infra/tracing.ts' in the stack's region. */
  tracingLayerArn?: string | undefined;
  /** The application log level (Lambda advanced logging controls → AWS_LAMBDA_LOG_LEVEL, read by Powertools). */
  logLevel: LogLevel;
}

export const DEFAULT_OBSERVABILITY: FunctionObservability = { tracing: false, logLevel: 'INFO' };

/**
 * A Lambda function with the shared defaults: Node.js 24 on arm64, a CommonJS bundle (minified, with a source map) of
 * only what functions/<name>/handler.ts imports, JSON logs in a log group of its own with a retention, Lambda's
 * advanced logging controls (the application level as set, platform lines at WARN only: no START/END/REPORT line
 * per invocation), AWS's Parameters and Secrets extension to read secrets through (infra/secrets-extension.ts), active
 * tracing with AWS's OpenTelemetry layer only when asked for, and a role of its own that may write only to that log
 * group; callers grant the rest.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { tracing, logLevel, tracingLayerArn } = props.observability ?? DEFAULT_OBSERVABILITY;
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.name} function: its own logs${tracing ? ', X-Ray' : ''}, and the queues and secrets granted by the stack`,
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
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      role: this.role,
      tracing: tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      logGroup: this.logGroup,
      environment: {
        NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: logLevel,
        ...(tracing ? TRACING_ENVIRONMENT : {}),
        ...props.environment,
      },
      paramsAndSecrets: secretsExtension(props.secretsExtensionLayerArn),
      ...(tracing ? { layers: [LayerVersion.fromLayerVersionArn(this, 'OpenTelemetry', tracingLayerArn ?? defaultOtelLayerArn())] } : {}),
      bundling: BUNDLING,
    });
    if (tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions (Resource must be *). Every other statement names its queue, secret or log group.',
      });
    }
  }
}
