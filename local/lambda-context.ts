import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/**
 * The context object Lambda hands a Node.js handler (docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html), for
 * invoking the real handlers here (local runner, benchmarks, tests): a fresh request id per invocation, and the
 * remaining time counted down from `timeoutMs`.
 */
export function lambdaContext(functionName: string, timeoutMs: number, now: () => number = Date.now): Context {
  const deadline = now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
