import { processDeps } from '../cli/aws-clients.ts';
import { run } from '../cli/main.ts';

// `npx moengage-posthog …`: see cli/main.ts for the commands.
// The AWS SDK warns on every run under Node 20 about its future Node 22 requirement (package.json engines covers
// that); an operator's terminal is no place for it. Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const deps = processDeps();
try {
  process.exitCode = await run(process.argv.slice(2), deps);
} finally {
  deps.dispose();
}
