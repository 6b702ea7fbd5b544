import type { FunctionName, Variant } from './cold-start.ts';

/**
 * §4's "before" figures: the build of commit e13c322 (undici in both bundles, ESM with the createRequire banner,
 * sources embedded in the map), measured on 2026-11-28 on this machine with Node.js v24.21.0 by the same code
 * (`benchColdStart`, 20 imports each, load average ~4.2). Kept so the report shows what the changes bought.
 */
export const BEFORE = {
  commit: 'e13c322',
  /** 1-minute load average while measured (other work shared the 2 cores). */
  loadAverage: 4.2,
  rows: [
    { name: 'intake', variant: 'deployed', bundleBytes: 1_272_319, initMedianMs: 152.1 },
    { name: 'forwarder', variant: 'deployed', bundleBytes: 1_241_652, initMedianMs: 152.4 },
    { name: 'intake', variant: 'sdk-external', bundleBytes: 938_159, initMedianMs: 133.7 },
    { name: 'forwarder', variant: 'sdk-external', bundleBytes: 907_050, initMedianMs: 173.0 },
  ] satisfies { name: FunctionName; variant: Variant; bundleBytes: number; initMedianMs: number }[],
};

/**
 * The deployed forwarder just before its PostHog pool moved from undici 8's `Agent` to Node's own `http.Agent`
 * (shared/lib/node-http-transport.ts): the build of commit a6ffeed, measured on 2026-11-29 on this machine with
 * Node.js v24.21.0 by the same code (`npx tsx bench/run.ts --cold-start`, 20 imports, load average 1.1) minutes
 * before the run that measured the change.
 */
export const UNDICI_FORWARDER = { commit: 'a6ffeed', loadAverage: 1.1, bundleBytes: 1_106_781, undiciBytes: 738_000, initMedianMs: 105.0 };

/**
 * Both deployed bundles just before the schemas moved to zod/mini and the SDK's event-stream codec was swapped out
 * (issue 15's last size step): the build of commit e7d4c6b, measured on 2026-11-29 on this machine with Node.js
 * v24.21.0 by the same code (`npx tsx bench/run.ts --cold-start`, 20 imports, load average 4.1), and `after`, the
 * run with the change minutes later at the same load (4.0–4.3).
 */
export const CLASSIC_ZOD = {
  commit: 'e7d4c6b',
  loadAverage: 4.1,
  zodBytes: 97_456,
  eventStreamBytes: 14_921,
  intake: { bundleBytes: 395_697, initMedianMs: 72.5 },
  forwarder: { bundleBytes: 368_349, initMedianMs: 72.1 },
  after: { intake: { bundleBytes: 313_893, initMedianMs: 51.1 }, forwarder: { bundleBytes: 283_478, initMedianMs: 53.8 } },
};

/**
 * Both deployed bundles just before the functions read their secrets through AWS's Parameters and Secrets Lambda
 * Extension instead of the Secrets Manager client and Powertools Parameters (shared/platform/secrets-extension.ts):
 * the build of commit 36abb62 and the change (with the Streams change db2f15a beside it), measured alternately on
 * 2026-11-29 on this machine with Node.js v24.21.0 by the same code (`npx tsx bench/run.ts --cold-start`, 20 imports
 * each, two runs of each build, load average 0.9–2.7 while another benchmark started): init medians of both runs,
 * which overlap.
 */
export const SECRETS_CLIENT = {
  commit: '36abb62',
  loadAverage: 1.8,
  clientBytes: 13_480,
  parametersBytes: 3_433,
  intake: { bundleBytes: 315_016, initMs: [62.8, 60.5] },
  forwarder: { bundleBytes: 292_748, initMs: [58.0, 47.6] },
  after: { intake: { bundleBytes: 298_814, initMs: [62.7, 45.4] }, forwarder: { bundleBytes: 274_700, initMs: [57.1, 56.0] } },
};
