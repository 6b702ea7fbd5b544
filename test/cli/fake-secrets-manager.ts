import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readBody } from '../../local/capture-protocol.ts';
import { closeServer, listenOnLoopback } from '../../local/loopback.ts';

/**
 * A Secrets Manager on 127.0.0.1 speaking the AWS JSON 1.1 protocol the SDK uses (`X-Amz-Target:
 * secretsmanager.<Operation>`, `application/x-amz-json-1.1`): GetSecretValue and PutSecretValue, with
 * ResourceNotFoundException for unknown secrets.
 */
export interface FakeSecretsManager {
  url: string;
  secrets: Map<string, string>;
  /** Every PutSecretValue, in order. */
  puts: Array<{ name: string; value: string }>;
  close(): Promise<void>;
}

export async function startFakeSecretsManager(initial: Record<string, string> = {}): Promise<FakeSecretsManager> {
  const secrets = new Map(Object.entries(initial));
  const puts: Array<{ name: string; value: string }> = [];
  const server: Server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { SecretId?: string; SecretString?: string };
    const reply = (status: number, payload: unknown, type?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() };
      if (type) headers['x-amzn-errortype'] = type;
      res.writeHead(status, headers).end(JSON.stringify(payload));
    };
    const name = body.SecretId ?? '';
    const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
    if (!secrets.has(name) && target !== 'secretsmanager.PutSecretValue') {
      return reply(
        400,
        { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
        'ResourceNotFoundException',
      );
    }
    if (target === 'secretsmanager.GetSecretValue') {
      return reply(200, {
        ARN: arn,
        Name: name,
        SecretString: secrets.get(name),
        VersionId: randomUUID(),
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1_795_449_600,
      });
    }
    if (target === 'secretsmanager.PutSecretValue') {
      if (!secrets.has(name)) {
        return reply(
          400,
          { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
          'ResourceNotFoundException',
        );
      }
      secrets.set(name, body.SecretString ?? '');
      puts.push({ name, value: body.SecretString ?? '' });
      return reply(200, { ARN: arn, Name: name, VersionId: randomUUID(), VersionStages: ['AWSCURRENT'] });
    }
    return reply(400, { __type: 'InvalidRequestException', message: `unsupported operation ${target}` }, 'InvalidRequestException');
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    secrets,
    puts,
    close: () => closeServer(server),
  };
}
