import { BEFORE, CLASSIC_ZOD as Z, SECRETS_CLIENT as S, UNDICI_FORWARDER as U } from './cold-start-before.ts';
import { type BenchResults, COLD_START_TARGETS, coldStartTargets, kb, ms, yes } from './results.ts';
import { fmt } from './stats.ts';

const runs = (values: readonly number[]): string => values.map((v) => fmt(v, 1)).join(' / ');

/** §4: bundle size and init time of each function, built as the stack deploys it, next to the figures before issue 15. */
export function coldStartSection(c: BenchResults['coldStart'], node: string, load: { before: number; after: number }): string[] {
  const s = c.settings;
  const t = coldStartTargets(c.rows);
  const before = (name: string, variant: string) => BEFORE.rows.find((b) => b.name === name && b.variant === variant);
  const intake = c.rows.find((r) => r.name === 'intake' && r.variant === 'deployed');
  const over = (intake?.bundleBytes ?? 0) - COLD_START_TARGETS.intakeBytes;
  return [
    '## 4. Cold start: bundle size and module initialisation',
    '',
    `Each handler is bundled with esbuild as \`infra/function-defaults.ts\` has NodejsFunction do it: ${s.format === 'cjs' ? 'CommonJS' : 'ESM'}, minify,`,
    `source map${s.sourcesContent ? '' : ' without the sources'}, target ${s.target}, main fields ${s.mainFields.join(',')}, and the AWS SDK bundled`,
    '(`externalModules: []`: the deployed code runs the SDK versions package-lock.json pins). Init time: median',
    `of ${c.rows[0]?.initMs.runs ?? 0} fresh \`node\` processes each importing the bundle with the function's environment (dummy values,`,
    `NODE_OPTIONS=${s.nodeOptions} as deployed). The "sdk-external" rows are for comparison, not what is deployed: the`,
    "same build with `@aws-sdk/*` left to the Lambda runtime's copy (NodejsFunction's default), resolved here from",
    `node_modules. Node here is ${node} on this CPU; Lambda runs Node.js 24 on Graviton, and its`,
    'init also includes starting the runtime, so read these as relative figures. "Before" is the build of commit',
    `${BEFORE.commit}, measured the same way on this machine with Node.js v24.21.0 (bench/cold-start-before.ts) at a`,
    `load average of ${fmt(BEFORE.loadAverage, 1)}; this run's was ${fmt(load.before, 1)} before and ${fmt(load.after, 1)} after (init times rise with load).`,
    '',
    `| Function | Build | Bundle | Before | Source map | Init (ms) | Before (ms) | Heaviest modules in the bundle |`,
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...c.rows.map((r) => {
      const b = before(r.name, r.variant);
      const heaviest = r.heaviest
        .slice(0, 5)
        .map((h) => `${h.name} ${kb(h.bytes)}`)
        .join(', ');
      return `| ${r.name} | ${r.variant} | ${kb(r.bundleBytes)} | ${b ? kb(b.bundleBytes) : '–'} | ${kb(r.mapBytes)} | ${ms(r.initMs)} | ${b ? fmt(b.initMedianMs, 1) : '–'} | ${heaviest} |`;
    }),
    '',
    `Targets for the deployed build: intake ≤ ${kb(COLD_START_TARGETS.intakeBytes)} ${yes(t.intakeSize)}, intake init ≤ ${COLD_START_TARGETS.intakeInitMs} ms ${yes(t.intakeInit)}, forwarder ≤ ${kb(COLD_START_TARGETS.forwarderBytes)} ${yes(t.forwarderSize)}.`,
    '',
    'What was done about the heaviest modules and the init time:',
    '',
    "- **undici is gone.** The intake used it only for `?verify=1` (MoEngage's Test button): that goes through Node's",
    '  built-in `fetch` (`shared/lib/http-transport.ts`). The forwarder, prober and cohort sync kept it for their bounded',
    "  keep-alive pool; Node's own `http.Agent` gives the same control (`maxSockets`, keep-alive, idle timeout;",
    '  `shared/lib/node-http-transport.ts`, figures in docs/architecture.md, "The HTTP transports"). With undici 8',
    `  (commit ${U.commit}, load ${fmt(U.loadAverage, 1)}) the forwarder was ${kb(U.bundleBytes)} (undici ${kb(U.undiciBytes)}: both HTTP parsers, llhttp and milo,`,
    `  each as SIMD and plain WebAssembly) and its init ${fmt(U.initMedianMs, 1)} ms; with \`http.Agent\` it is the deployed forwarder row above.`,
    "- **CommonJS instead of ESM**: an ES module import of `node:http` (the AWS SDK's HTTP handler has one) makes Node",
    "  evaluate `http`'s lazy WebSocket getters, which loads Node's own internal undici at every cold start",
    "  (nodejs/node#57649); `require()` does not. That was ~20 ms of the intake's init here.",
    "- **The AWS SDK's default credential chain** (SSO, web identity, INI files, credential_process, instance",
    '  metadata, with their own STS and SSO clients) is swapped at bundling for the environment provider',
    "  (`LAMBDA_ALIASES` in infra/function-defaults.ts, shared/platform/lambda-credentials.ts): Lambda passes the role's",
    '  credentials in the environment, the first source the chain reads, so the rest never ran there.',
    '- **Source map without the sources**: stack traces still map to file and line (`--enable-source-maps` reads the',
    '  mappings); the map is about a third of the size, so reading it at init costs less.',
    "- **zod** was 454 kB of each bundle until the schemas moved from `import { z } from 'zod'` to",
    "  `import * as z from 'zod'` (the form zod documents), which esbuild can tree-shake: the unused locales and more",
    `  went, with no change in behaviour. Classic zod's schemas still carried every method (${kb(Z.zodBytes)}); every schema the`,
    "  intake and forwarder load now uses `zod/mini`, zod's tree-shakable form of the same core (functions instead of",
    '  methods). It loads no messages of its own, so shared/lib/zod-mini.ts sets the English ones classic zod sets;',
    "  test/lib/zod-mini.test.ts holds the answers to classic zod's, and the artifact tests check no classic zod is bundled.",
    "- **The SDK's event-stream codec** (@smithy/core/event-streams, " +
      kb(Z.eventStreamBytes) +
      ') is swapped at bundling for a stand-in that',
    '  fails if ever used (shared/platform/no-event-streams.ts): no operation the functions call streams events, which',
    "  test/platform/no-event-streams.test.ts checks against the clients' own schemas.",
    `- Together, measured back to back with the build of commit ${Z.commit} at the same load (${fmt(Z.loadAverage, 1)}): intake`,
    `  ${kb(Z.intake.bundleBytes)} → ${kb(Z.after.intake.bundleBytes)}, init ${fmt(Z.intake.initMedianMs, 1)} → ${fmt(Z.after.intake.initMedianMs, 1)} ms; forwarder ${kb(Z.forwarder.bundleBytes)} → ${kb(Z.after.forwarder.bundleBytes)}, init ${fmt(Z.forwarder.initMedianMs, 1)} → ${fmt(Z.after.forwarder.initMedianMs, 1)} ms.`,
    "- **Secrets through AWS's Parameters and Secrets Lambda Extension** (shared/platform/secrets-extension.ts; the layer",
    '  on every function, infra/secrets-extension.ts): a GET to the extension on localhost instead of the Secrets Manager',
    `  client (${kb(S.clientBytes)}) and Powertools Parameters (${kb(S.parametersBytes)}); each value is still kept SECRETS_MAX_AGE_SECONDS in the`,
    `  function. Measured alternately with the build of commit ${S.commit} (two runs each, load ${fmt(S.loadAverage, 1)}): intake`,
    `  ${kb(S.intake.bundleBytes)} → ${kb(S.after.intake.bundleBytes)}, forwarder ${kb(S.forwarder.bundleBytes)} → ${kb(S.after.forwarder.bundleBytes)}; init medians ${runs(S.intake.initMs)} → ${runs(S.after.intake.initMs)} ms and`,
    `  ${runs(S.forwarder.initMs)} → ${runs(S.after.forwarder.initMs)} ms, within the noise at that load. The extension itself starts in Lambda's init`,
    '  phase beside the runtime, which this machine cannot measure.',
    "- **The AWS SDK** is bundled and minified (only the modules used): the runtime's unbundled copy (the sdk-external",
    '  rows) makes a smaller file, but the deployed code would then run an SDK version nobody tested.',
    '',
    t.intakeSize && t.forwarderSize ? 'What is left in them:' : 'What is left, and why a target is missed where it is:',
    '',
    `- The intake ${t.intakeSize ? `meets its target, ${kb(-over)} under it` : `is ${kb(over)} over its target`}. Its heaviest modules are all in use: the AWS SDK`,
    '  (the SQS client with @smithy/core, its signer and HTTP handler), this project (the connector and Streams mappings,',
    '  the body readers), zod/mini, Powertools Logger and Metrics (~30 kB) and jsonrepair (the lenient body reader). What',
    '  would cut more changes what runs: leaving the SDK to the runtime (the sdk-external row, an untested SDK version),',
    '  or hand-written log and EMF lines instead of Powertools.',
    `- The forwarder ${t.forwarderSize ? 'meets' : 'misses'} its target: it is now mostly the AWS SDK (the SQS client with @smithy/core) and`,
    '  zod, as the heaviest modules in its row show.',
    '',
  ];
}
