#!/usr/bin/env node
// The `vaultlab` command runs the compiled build in dist/ (`npm run build`, which `npm ci`
// runs through the `prepare` script). Without a build it still works, from the TypeScript
// sources through tsx, at about a second more per call.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/cli/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  process.stderr.write('vaultlab: no build in dist/, running the sources: run npm run build for a fast CLI\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
