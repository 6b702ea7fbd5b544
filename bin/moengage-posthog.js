#!/usr/bin/env node
// The package's bin: runs the TypeScript entry through tsx's ESM loader (a dependency, not a devDependency: the bin
// works after npm ci --omit=dev; test/cli/bin.test.ts checks its import graph and runs it without devDependencies).
import { register } from 'tsx/esm/api';

register();
await import('./moengage-posthog.ts');
