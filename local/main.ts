import { discoveryFile, persistentLocalToken, removeDiscovery, stateDir, writeDiscovery } from './discovery.ts';
import { startLocalStack } from './runner.ts';

const SAMPLE = '{"event":"purchase_completed","distinct_id":"user-123","properties":{"amount":"19.99","currency":"EUR"}}';

/** `npm start`: the whole pipeline on 127.0.0.1 with the real handlers. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  const dir = stateDir(process.env);
  const chosen = process.env.WEBHOOK_TOKEN?.trim();
  const token = chosen || (await persistentLocalToken(dir));
  const stack = await startLocalStack({ port, env: { ...process.env, WEBHOOK_TOKEN: chosen || token } });
  await writeDiscovery(dir, {
    pid: process.pid,
    url: stack.url,
    token: stack.token,
    sqsEndpoint: stack.sqs.endpoint,
    queueUrl: stack.sqs.queueUrl,
    dlqUrl: stack.sqs.dlqUrl,
    startedAt: new Date().toISOString(),
  });
  const curl = `curl -sS -X POST '${stack.url}/v1/connector' -H 'Authorization: Bearer ${stack.token}' -H 'Content-Type: application/json' -d '${SAMPLE}'`;
  const lines = [
    '',
    'moengage-posthog-forwarder is running locally',
    `  intake:      ${stack.url}/v1/connector   (Streams: ${stack.url}/v1/streams, health: ${stack.url}/v1/health)`,
    `  token:       ${stack.token}${chosen ? '   (from WEBHOOK_TOKEN)' : `   (generated once, kept in ${dir}; set WEBHOOK_TOKEN to choose one)`}`,
    `  delivers to: ${stack.sink ? `local capture sink ${stack.sink.url} → ${stack.sink.file}` : stack.posthogHost}`,
    `  queue:       ${stack.sqs.queueUrl} (in-process SQS; DLQ ${stack.sqs.dlqUrl})`,
    '',
    'Send an event:',
    `  ${curl}`,
    'Dry run (map only, shows the exact PostHog event): add ?dry_run=1 to the URL.',
    `CLI against this runner (it finds it through ${discoveryFile(dir)}):`,
    '  npx moengage-posthog send-test --local      npx moengage-posthog dlq list --local',
    'Press Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping…\n');
    await stack.stop();
    await removeDiscovery(dir, process.pid);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
