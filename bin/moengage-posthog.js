#!/usr/bin/env node
// The package's bin: runs the TypeScript entry through tsx's ESM loader, so `npx moengage-posthog` works after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('./moengage-posthog.ts');
