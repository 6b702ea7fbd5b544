/**
 * A minimal Lambda runtime interface client, run by Node itself (type stripping) in a fresh process beside nothing but
 * the bundle: it imports the handler named by `_HANDLER` from LAMBDA_TASK_ROOT, then loops over the Runtime API
 * at AWS_LAMBDA_RUNTIME_API as AWS's published contract describes
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): GET /runtime/invocation/next, the context from
 * the Lambda-Runtime-* headers, POST /runtime/invocation/{id}/response or /error, and POST /runtime/init/error when
 * the handler cannot be loaded. Hand-written: AWS's `aws-lambda-ric` compiles native code at install
 * (docs/architecture.md, "The deployed bundles under test").
 * Only node: built-ins here, so the bundle finds no node_modules through this script.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;

function errorBody(error: unknown): { errorType: string; errorMessage: string; stackTrace: string[] } {
  const e = error instanceof Error ? error : new Error(String(error));
  const stack = (e.stack ?? '').split('\n').slice(1);
  return { errorType: e.name, errorMessage: e.message, stackTrace: stack.map((line) => line.trim()) };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
}

/** `index.handler` → the `handler` export of index.js (or .mjs/.cjs) in the task root, as the Node.js runtime resolves it. */
async function loadHandler(): Promise<Handler> {
  const spec = process.env._HANDLER ?? '';
  const dot = spec.lastIndexOf('.');
  const [file, name] = [spec.slice(0, dot), spec.slice(dot + 1)];
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const path = ['.js', '.mjs', '.cjs'].map((ext) => join(root, `${file}${ext}`)).find((p) => existsSync(p));
  if (!path) throw Object.assign(new Error(`Cannot find module '${file}'`), { name: 'Runtime.ImportModuleError' });
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown> & { default?: Record<string, unknown> };
  const handler = module[name] ?? module.default?.[name];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${file}.${name} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler as Handler;
}

let handler: Handler;
try {
  handler = await loadHandler();
} catch (error) {
  await post('/init/error', errorBody(error), { 'Lambda-Runtime-Function-Error-Type': 'Runtime.Unknown' });
  process.exit(1);
}

for (;;) {
  const next = await fetch(`${api}/invocation/next`);
  const requestId = next.headers.get('lambda-runtime-aws-request-id') ?? '';
  const deadline = Number(next.headers.get('lambda-runtime-deadline-ms'));
  const traceId = next.headers.get('lambda-runtime-trace-id');
  if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
  const event: unknown = await next.json();
  const context = {
    awsRequestId: requestId,
    invokedFunctionArn: next.headers.get('lambda-runtime-invoked-function-arn') ?? '',
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    const result = await handler(event, context);
    await post(`/invocation/${requestId}/response`, result);
  } catch (error) {
    await post(`/invocation/${requestId}/error`, errorBody(error), { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' });
  }
}
