import { Agent, request } from 'node:http';

export interface PacedRun {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

/**
 * Open-loop load at a constant rate: one request every 1000/rate ms whatever the answers (autocannon's overallRate
 * sends each second's budget in a burst at the start of the second, which measures bursts, not a steady rate).
 */
export async function pacedLoad(
  url: string,
  headers: Record<string, string>,
  body: () => string,
  rate: number,
  seconds: number,
  onAccepted: (text: string) => void,
): Promise<PacedRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL('/v1/connector', url);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const send = () =>
    new Promise<void>((done) => {
      const text = body();
      const t0 = performance.now();
      const req = request(target, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(text) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          if (res.statusCode === 200) onAccepted(Buffer.concat(chunks).toString('utf8'));
          else non2xx += 1;
          done();
        });
      });
      req.on('error', () => {
        errors += 1;
        done();
      });
      req.end(text);
    });
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const start = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send());
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
  return { requestsPerSecond: total / elapsed, p50: at(0.5), p99: at(0.99), total, non2xx, errors };
}
