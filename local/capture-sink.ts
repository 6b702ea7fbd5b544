import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import { CAPTURE_PATHS, decodeCaptureRequest, FLAGS_PATHS, readBody } from './capture-protocol.ts';
import { closeServer, listenOnLoopback } from './loopback.ts';
import { LOCAL_SINK_HEADER } from '#shared/posthog/key-check';

export interface CaptureSink {
  url: string;
  file: string;
  close(): Promise<void>;
}

/**
 * The built-in local capture sink used when POSTHOG_HOST is unset: a capture-compatible server on 127.0.0.1 that
 * prints each event and appends it, one JSON per line, to a file.
 */
export async function startCaptureSink(options: { file: string; port?: number; print?: (line: string) => void }): Promise<CaptureSink> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  await mkdir(dirname(options.file), { recursive: true });
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    try {
      const raw = await readBody(req);
      // The sink has no project keys: it says so, and ?verify=1 reports that no key was checked.
      if (req.method === 'POST' && FLAGS_PATHS.has(path)) return reply(200, { flags: {} }, { [LOCAL_SINK_HEADER]: '1' });
      if (req.method !== 'POST' || !CAPTURE_PATHS.has(path)) return reply(404, { error: 'not a capture route' });
      const capture = decodeCaptureRequest(raw, req.headers['content-encoding']);
      const lines = capture.events.map((event) => JSON.stringify(event));
      await appendFile(options.file, lines.map((l) => `${l}\n`).join(''));
      for (const event of capture.events) {
        print(
          `[sink] ${String(event.event)} distinct_id=${String(event.distinct_id)} uuid=${String(event.uuid)} timestamp=${String(event.timestamp)} ${JSON.stringify(event.properties ?? {})}`,
        );
      }
      return reply(200, { status: 'Ok' });
    } catch (error) {
      return reply(400, { error: `failed to parse request: ${(error as Error).message}` });
    }
  });
  return { url: await listenOnLoopback(server, options.port ?? 0), file: options.file, close: () => closeServer(server) };
}
