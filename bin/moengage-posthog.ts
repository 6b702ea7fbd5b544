import { processDeps } from '../cli/aws-clients.ts';
import { run } from '../cli/main.ts';

// `npx moengage-posthog …`: see cli/main.ts for the commands.
const deps = processDeps();
try {
  process.exitCode = await run(process.argv.slice(2), deps);
} finally {
  deps.dispose();
}
