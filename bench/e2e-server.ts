import { startLocalStack } from '../local/runner.ts';

/**
 * The local runner (HTTP adapter → intake → fauxqs → poller → forwarder) in a process of its own, delivering to
 * the PostHog URL given as argument. Forked with IPC by bench/e2e.ts: sends {url, token}; answers 'cpu' with the
 * CPU seconds used so far; stops on 'close'.
 */
const posthogHost = process.argv[2];
if (!posthogHost) throw new Error('usage: e2e-server.ts <PostHog URL>');
const stack = await startLocalStack({
  env: {
    POSTHOG_HOST: posthogHost,
    POSTHOG_API_KEY: 'phc_benchmark_project_key',
    WEBHOOK_TOKEN: 'bench-token',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  },
  print: (line) => process.stderr.write(`${line}\n`),
  accessLog: false,
});
process.on('message', async (message: unknown) => {
  if (message === 'cpu') {
    const used = process.cpuUsage();
    process.send?.({ type: 'cpu', seconds: (used.user + used.system) / 1e6 });
  } else if (message === 'close') {
    await stack.stop();
    process.exit(0);
  }
});
process.send?.({ type: 'ready', url: stack.url, token: stack.token });
