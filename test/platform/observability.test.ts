import { createLogger, withLambdaContext } from '#shared/platform/observability';
import { lambdaContext } from '../../local/lambda-context.ts';
import { logLines } from './log-lines.ts';

describe('withLambdaContext (Powertools: logger.addContext)', () => {
  it('gives each log line of an invocation its request id, cold start and function', async () => {
    const saved = { ...process.env };
    // test/support/env.ts silences logs, and this test reads them. Lambda sets AWS_LAMBDA_INITIALIZATION_TYPE
    // (docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html): Powertools reports a cold start only for
    // `on-demand` (provisioned concurrency initialises ahead of any request).
    Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'INFO', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' });
    const logger = createLogger('context-test');
    process.env = saved;
    const handler = withLambdaContext(logger, async (event: { n: number }) => {
      logger.info('handled', { n: event.n });
      return event.n;
    });
    const first = lambdaContext('moengage-posthog-intake', 6_000);
    const second = lambdaContext('moengage-posthog-intake', 6_000);
    const lines = await logLines(async () => {
      await expect(handler({ n: 1 }, first)).resolves.toBe(1);
      await expect(handler({ n: 2 }, second)).resolves.toBe(2);
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      message: 'handled',
      n: 1,
      function_request_id: first.awsRequestId,
      cold_start: true,
      function_name: 'moengage-posthog-intake',
      function_arn: first.invokedFunctionArn,
      service: 'context-test',
    });
    // The next invocation of the same container: its own request id, no longer a cold start.
    expect(lines[1]).toMatchObject({ n: 2, function_request_id: second.awsRequestId, cold_start: false });
    expect(second.awsRequestId).not.toBe(first.awsRequestId);
  });
});
