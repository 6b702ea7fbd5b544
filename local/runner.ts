import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type CaptureSink, startCaptureSink } from './capture-sink.ts';
import { startHttpAdapter } from './http-adapter.ts';
import { startPoller } from './poller.ts';
import { startLocalProber } from './prober-loop.ts';
import { loadConfig } from '#shared/platform/config';
import { ENV_SETTINGS, type EnvSettingName } from '#shared/platform/env-settings';
import { tapLogs } from '#shared/platform/observability';
import { answerLocalRoute } from './status-routes.ts';
import { accessLine, createStatusJournal, type StatusJournal } from './status-journal.ts';
import { queueDepth } from '#shared/queue/depth';
import { LOCAL_AWS, type LocalSqs, startLocalSqs } from './sqs-server.ts';

export interface LocalStackOptions {
  /** Where configuration is read from: POSTHOG_HOST, POSTHOG_API_KEY, WEBHOOK_TOKEN (see README). */
  env?: NodeJS.ProcessEnv;
  port?: number;
  sinkFile?: string;
  print?: (line: string) => void;
  /** One console line per request (method, route, status, reason, event count); default on. */
  accessLog?: boolean;
}

export interface LocalStack {
  url: string;
  token: string;
  posthogHost: string;
  sink: CaptureSink | undefined;
  sqs: LocalSqs;
  /** What happened to the recent events (GET /local/status, `moengage-posthog trace --local`). */
  journal: StatusJournal;
  stop(): Promise<void>;
}

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];
export const LOCAL_SINK_API_KEY = 'phc_local_capture_sink';
export const DEFAULT_SINK_FILE = '.local/captured-events.ndjson';
/**
 * The functions' settings (shared/platform/env-settings.ts) handed to the handlers as they are, all but two that
 * have no local meaning: there are no secrets to cache, and the local queue keeps the default maxReceiveCount.
 */
export const LOCAL_FIXED_SETTINGS: readonly EnvSettingName[] = ['SECRETS_MAX_AGE_SECONDS', 'MAX_RECEIVE_COUNT'];
const PASSED_THROUGH = (Object.keys(ENV_SETTINGS) as EnvSettingName[]).filter((name) => !LOCAL_FIXED_SETTINGS.includes(name));

/**
 * Runs the service on this machine with the real handlers: HTTP adapter → intake → fauxqs (127.0.0.1) → poller →
 * forwarder → PostHog, or the built-in capture sink when POSTHOG_HOST is unset.
 * The handlers read their configuration from process.env when first imported, so it is set before that.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (env.POSTHOG_HOST && !env.POSTHOG_API_KEY) {
    throw new Error(
      'POSTHOG_HOST is set but POSTHOG_API_KEY is not: set your PostHog project API key (phc_…), or unset POSTHOG_HOST to use the local capture sink',
    );
  }
  const sqs = await startLocalSqs();
  const sink = env.POSTHOG_HOST
    ? undefined
    : await startCaptureSink({ file: resolve(options.sinkFile ?? env.LOCAL_SINK_FILE ?? DEFAULT_SINK_FILE), print });
  const posthogHost = env.POSTHOG_HOST ?? (sink as CaptureSink).url;
  const token = env.WEBHOOK_TOKEN?.split(',')[0]?.trim() || randomBytes(18).toString('base64url');

  Object.assign(process.env, {
    POSTHOG_HOST: posthogHost,
    POSTHOG_API_KEY: env.POSTHOG_API_KEY ?? LOCAL_SINK_API_KEY,
    WEBHOOK_TOKEN: env.WEBHOOK_TOKEN ?? token,
    QUEUE_URL: sqs.queueUrl,
    DLQ_URL: sqs.dlqUrl,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    // Every line reaches the tap below (the journal and the access lines need the intake's DEBUG request line); the
    // console shows the other lines from POWERTOOLS_LOG_LEVEL up (WARN by default).
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    // As Lambda sets it for a container started by a request: Powertools then logs cold_start true on the first one.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  });
  for (const name of PASSED_THROUGH) {
    if (env[name] !== undefined) process.env[name] = env[name];
  }
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;

  const journal = createStatusJournal();
  const shown = LEVELS.indexOf((env.POWERTOOLS_LOG_LEVEL ?? 'WARN').toUpperCase());
  const untap = tapLogs((line) => {
    journal.add(line);
    const access = options.accessLog === false ? undefined : accessLine(line);
    if (access) print(access);
    else if (line.message !== 'intake request' && LEVELS.indexOf(String(line.level)) >= shown) print(JSON.stringify(line));
  });
  const intake = await import('../functions/intake/handler.ts');
  const forwarder = await import('../functions/forwarder/handler.ts');
  const queueArn =
    (await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: sqs.queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ??
    '';
  const tokens = (process.env.WEBHOOK_TOKEN ?? '').split(',').map((t) => t.trim());
  const adapter = await startHttpAdapter(intake.handler, {
    port: options.port ?? 0,
    localRoutes: (request) => answerLocalRoute(journal, tokens, request),
  });
  const poller = startPoller({
    sqs: sqs.client,
    queueUrl: sqs.queueUrl,
    queueArn,
    handler: forwarder.handler,
    onError: (error) => print(`[poller] ${(error as Error).message}`),
  });
  const prober = startLocalProber({
    config: loadConfig(process.env),
    sqs: sqs.client,
    queueUrl: sqs.queueUrl,
    dlqUrl: sqs.dlqUrl,
    queueArn,
    poller,
    onError: (error) => print(`[prober] ${(error as Error).message}`),
  });
  return {
    url: adapter.url,
    token,
    posthogHost,
    sink,
    sqs,
    journal,
    stop: async () => {
      await prober.stop();
      await poller.stop();
      const depth = await queueDepth(sqs.client, sqs.queueUrl);
      const waiting = depth.waiting + depth.inFlight;
      if (waiting > 0) {
        print(
          `${waiting} event(s) were still queued and are lost: the local queue lives in memory (an AWS deployment keeps them for 14 days)`,
        );
      }
      await adapter.close();
      untap();
      await sink?.close();
      await sqs.close();
    },
  };
}
