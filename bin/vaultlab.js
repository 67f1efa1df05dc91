#!/usr/bin/env node
// The `vaultlab` command. The sources are TypeScript run through tsx, so a fresh
// clone works after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
