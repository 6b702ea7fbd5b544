import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../../local/loopback.ts';

/**
 * AWS's Parameters and Secrets Lambda Extension on 127.0.0.1, as its documentation describes it
 * (docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html,
 * docs.aws.amazon.com/lambda/latest/dg/with-secrets-manager.html): `GET /secretsmanager/get?secretId=<name or ARN>`
 * (optional `versionId` / `versionStage`), answered only with the `X-Aws-Parameters-Secrets-Token` header equal to the
 * function's AWS_SESSION_TOKEN, with Secrets Manager's GetSecretValue JSON. The port is what the function finds in
 * PARAMETERS_SECRETS_EXTENSION_HTTP_PORT. AWS does not document the status of a refused token: any non-200 fails a
 * read, so 401 here stands for it. An unknown secret answers Secrets Manager's own 400 ResourceNotFoundException.
 * `stall` holds every answer back (a hung extension); `requests` lists the secret ids asked for, in order.
 */
export interface FakeSecretsExtension {
  port: string;
  token: string;
  secrets: Map<string, string>;
  requests: string[];
  stall: boolean;
  close(): Promise<void>;
}

export async function startFakeSecretsExtension(initial: Record<string, string>, token = randomUUID()): Promise<FakeSecretsExtension> {
  const fake: Omit<FakeSecretsExtension, 'port' | 'close'> = {
    token,
    secrets: new Map(Object.entries(initial)),
    requests: [],
    stall: false,
  };
  const server: Server = createServer((req, res) => {
    const reply = (status: number, payload: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/secretsmanager/get') return reply(404, { message: 'not found' });
    if (req.headers['x-aws-parameters-secrets-token'] !== fake.token) return reply(401, { message: 'unauthorized' });
    const name = url.searchParams.get('secretId') ?? '';
    fake.requests.push(name);
    if (fake.stall) return;
    const value = fake.secrets.get(name);
    if (value === undefined) {
      return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    }
    reply(200, {
      ARN: name.startsWith('arn:') ? name : `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`,
      Name: name,
      SecretString: value,
      VersionId: randomUUID(),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1_795_449_600,
    });
  });
  const url = await listenOnLoopback(server);
  return Object.assign(fake, {
    port: new URL(url).port,
    close: () => closeServer(server),
  });
}

/** A port on 127.0.0.1 that nothing listens on: a function whose extension layer is missing. */
export async function absentExtensionPort(): Promise<string> {
  const server = createServer();
  const port = new URL(await listenOnLoopback(server)).port;
  await closeServer(server);
  return port;
}
