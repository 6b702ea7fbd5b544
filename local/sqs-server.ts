import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createSqsClient } from '#shared/platform/sqs-client';
import { buildApp } from 'fauxqs';
import { QUEUE_SETTINGS } from '#shared/queue/settings';

export interface LocalSqs {
  endpoint: string;
  queueUrl: string;
  dlqUrl: string;
  client: SQSClient;
  close(): Promise<void>;
}

export const LOCAL_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } as const;

/**
 * An in-process SQS server (fauxqs) on 127.0.0.1 with the stack's queue, DLQ and redrive settings.
 * fauxqs' own start helper listens on every interface, so the app is bound to loopback here.
 */
export async function startLocalSqs(
  options: { port?: number; queueName?: string; visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
): Promise<LocalSqs> {
  const app = buildApp({ logger: false });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createSqsClient({ ...LOCAL_AWS, endpoint });
  const name = options.queueName ?? 'moengage-posthog-events';
  const retention = String(QUEUE_SETTINGS.retentionDays * 24 * 3600);
  const dlq = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq`, Attributes: { MessageRetentionPeriod: retention } }));
  const dlqUrl = dlq.QueueUrl ?? '';
  const dlqAttributes = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const main = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        MessageRetentionPeriod: retention,
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? QUEUE_SETTINGS.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqAttributes.Attributes?.QueueArn,
          maxReceiveCount: options.maxReceiveCount ?? QUEUE_SETTINGS.maxReceiveCount,
        }),
      },
    }),
  );
  return {
    endpoint,
    queueUrl: main.QueueUrl ?? '',
    dlqUrl,
    client,
    close: async () => {
      client.destroy();
      await app.close();
    },
  };
}
