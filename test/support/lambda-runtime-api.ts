import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from '../../local/capture-protocol.ts';
import { closeServer, listenOnLoopback } from '../../local/loopback.ts';

/**
 * One Lambda execution environment on 127.0.0.1: a Runtime API server that follows AWS's published contract
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html, version 2018-06-01) and a fresh Node process
 * running test/support/lambda-bootstrap.ts against it. As Lambda does, it hands one event per GET
 * /runtime/invocation/next with the Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn and -Trace-Id
 * headers, takes the answer from POST /runtime/invocation/{id}/response or /error (202; 400 for an unknown request
 * id), takes POST /runtime/init/error (202) as a failed init, and when the deadline passes kills the process and
 * reports the invocation as timed out (Lambda's `Task timed out after N.NN seconds`, error type Sandbox.Timedout).
 */
export type Outcome =
  | { kind: 'response'; payload: unknown }
  | { kind: 'error'; errorType: string; errorMessage: string }
  | { kind: 'init-error'; errorType: string; errorMessage: string }
  | { kind: 'timeout'; errorType: 'Sandbox.Timedout'; errorMessage: string };

export interface LambdaOptions {
  /** The directory holding the bundle (index.js/.cjs/.mjs) and nothing else. */
  taskRoot: string;
  /** `_HANDLER`, e.g. `index.handler`. */
  handler: string;
  functionName: string;
  /** The function's timeout: each invocation's deadline is this long after the event is handed over. */
  timeoutMs: number;
  env: Record<string, string>;
}

export interface LambdaEnvironment {
  invoke(event: unknown): Promise<Outcome>;
  /** What the function wrote to stdout and stderr so far (its log lines). */
  logs(): string;
  close(): Promise<void>;
}

const BOOTSTRAP = new URL('./lambda-bootstrap.ts', import.meta.url).pathname;
const PREFIX = '/2018-06-01/runtime';

interface Pending {
  id: string;
  event: unknown;
  settle(outcome: Outcome): void;
}

export async function startLambda(options: LambdaOptions): Promise<LambdaEnvironment> {
  const queue: Pending[] = [];
  const inFlight = new Map<string, Pending>();
  let parked: ServerResponse | undefined;
  let initError: Outcome | undefined;
  let child: ChildProcess | undefined;
  let output = '';
  const arn = `arn:aws:lambda:us-east-1:123456789012:function:${options.functionName}`;

  const dispatch = () => {
    const pending = queue.shift();
    if (!pending || !parked) {
      if (pending) queue.unshift(pending);
      return;
    }
    const res = parked;
    parked = undefined;
    const deadline = Date.now() + options.timeoutMs;
    inFlight.set(pending.id, pending);
    const timer = setTimeout(() => {
      if (!inFlight.delete(pending.id)) return;
      child?.kill('SIGKILL');
      const seconds = (options.timeoutMs / 1000).toFixed(2);
      const message = `RequestId: ${pending.id} Error: Task timed out after ${seconds} seconds`;
      output += `${new Date().toISOString()} ${pending.id} Task timed out after ${seconds} seconds\n`;
      pending.settle({ kind: 'timeout', errorType: 'Sandbox.Timedout', errorMessage: message });
    }, options.timeoutMs);
    const settle = pending.settle;
    pending.settle = (outcome) => {
      clearTimeout(timer);
      settle(outcome);
    };
    res
      .writeHead(200, {
        'content-type': 'application/json',
        'lambda-runtime-aws-request-id': pending.id,
        'lambda-runtime-deadline-ms': String(deadline),
        'lambda-runtime-invoked-function-arn': arn,
        'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)};Sampled=0`,
      })
      .end(JSON.stringify(pending.event));
  };

  const accepted = (res: ServerResponse) => res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    const body = (await readBody(req)).toString('utf8');
    if (req.method === 'GET' && path === `${PREFIX}/invocation/next`) {
      parked = res;
      return dispatch();
    }
    if (req.method === 'POST' && path === `${PREFIX}/init/error`) {
      const error = JSON.parse(body) as { errorType: string; errorMessage: string };
      initError = { kind: 'init-error', errorType: error.errorType, errorMessage: error.errorMessage };
      accepted(res);
      for (const pending of queue.splice(0)) pending.settle(initError);
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    const pending = match && req.method === 'POST' ? inFlight.get(match[1] ?? '') : undefined;
    if (!match || !pending) {
      res.writeHead(match ? 400 : 404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ errorType: match ? 'InvalidRequestID' : 'NotFound', errorMessage: `no invocation at ${path}` }));
    }
    inFlight.delete(pending.id);
    accepted(res);
    if (match[2] === 'response') return pending.settle({ kind: 'response', payload: body === '' ? null : JSON.parse(body) });
    const error = JSON.parse(body) as { errorType: string; errorMessage: string };
    pending.settle({ kind: 'error', errorType: error.errorType, errorMessage: error.errorMessage });
  };
  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  const url = await listenOnLoopback(server);

  child = spawn(process.execPath, [BOOTSTRAP], {
    cwd: options.taskRoot,
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      AWS_LAMBDA_RUNTIME_API: new URL(url).host,
      LAMBDA_TASK_ROOT: options.taskRoot,
      _HANDLER: options.handler,
      AWS_LAMBDA_FUNCTION_NAME: options.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/28/[$LATEST]artifact',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child?.on('exit', () => resolve()));
  child.on('exit', (code, signal) => {
    // A process gone without an answer (not a timeout, not an init error): Lambda's Runtime.ExitError.
    const exit: Outcome = initError ?? {
      kind: 'error',
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: exited with ${signal ?? `exit status ${code}`}`,
    };
    for (const pending of [...queue.splice(0), ...inFlight.values()]) pending.settle(exit);
    inFlight.clear();
  });

  return {
    invoke: (event) =>
      new Promise<Outcome>((settle) => {
        if (initError || child?.exitCode !== null || child.signalCode !== null) {
          return settle(initError ?? { kind: 'error', errorType: 'Runtime.ExitError', errorMessage: 'the runtime has exited' });
        }
        queue.push({ id: randomUUID(), event, settle });
        dispatch();
      }),
    logs: () => output,
    close: async () => {
      if (child?.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      parked?.destroy();
      await closeServer(server);
    },
  };
}
