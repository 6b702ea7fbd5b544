import { Duration, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { QUEUE_SETTINGS } from '../shared/queue/settings.ts';

/**
 * The PostHog key secret's initial value: not a secret, and longer than 64 characters, so PostHog answers 401 to it
 * (reference: capture rejects keys of the wrong shape) instead of accepting and dropping events sent before the real
 * key is set. Events then wait in the queue and the PostHogUnauthorized alarm fires. Never change this text: a
 * changed value would be written over the real key on the next deploy.
 */
export const POSTHOG_KEY_PLACEHOLDER = 'placeholder-not-a-key-set-this-secret-to-the-PostHog-project-API-key-phc-see-docs-deploy-md';

/** Where the stage's secrets live; stage-scoped so stages deploy side by side. */
export const secretNames = (stage: string) => ({
  posthogApiKey: `moengage-posthog-forwarder/${stage}/posthog-api-key`,
  webhookTokens: `moengage-posthog-forwarder/${stage}/webhook-tokens`,
});

export interface EventQueues {
  queue: Queue;
  deadLetterQueue: Queue;
}

/** The event queue and its DLQ, both kept for the queue retention (the longest outage survived, docs/operations.md). */
export function createQueues(scope: Construct, maxReceiveCount: number): EventQueues {
  const retentionPeriod = Duration.days(QUEUE_SETTINGS.retentionDays);
  const common = { retentionPeriod, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy: RemovalPolicy.DESTROY };
  const deadLetterQueue = new Queue(scope, 'DeadLetterQueue', common);
  const queue = new Queue(scope, 'EventQueue', {
    ...common,
    visibilityTimeout: Duration.seconds(QUEUE_SETTINGS.visibilityTimeoutSeconds),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}

export interface StageSecrets {
  posthogApiKey: Secret;
  webhookTokens: Secret;
}

/** The PostHog project key (a placeholder until the operator sets it) and the webhook token(s), generated. */
export function createSecrets(scope: Construct, stage: string): StageSecrets {
  const names = secretNames(stage);
  const posthogApiKey = new Secret(scope, 'PostHogApiKey', {
    secretName: names.posthogApiKey,
    description: `PostHog project API key (phc_…) for moengage-posthog-forwarder ${stage}: replace the placeholder after deploying`,
    secretStringValue: SecretValue.unsafePlainText(POSTHOG_KEY_PLACEHOLDER),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const webhookTokens = new Secret(scope, 'WebhookTokens', {
    secretName: names.webhookTokens,
    description: `Token(s) MoEngage must send (Bearer or Basic password) for ${stage}: one token or a JSON list of tokens during a rotation`,
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  for (const secret of [posthogApiKey, webhookTokens]) {
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'No rotation Lambda can rotate these: a PostHog project key is created in the PostHog UI and the webhook token must also be changed in MoEngage by hand. The manual, zero-downtime rotation (a JSON list of old and new tokens) is documented in docs/deploy.md.',
    });
  }
  return { posthogApiKey, webhookTokens };
}
