/**
 * vitest's globalSetup: the tests run the TypeScript sources, but the CLI they spawn
 * (bin/vaultlab.js) runs the build in dist/, so `npm run build` remakes it from these sources
 * before any test starts: a stale build is never what a CLI test exercises.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const started = Date.now();
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
  process.stdout.write(`dist/ rebuilt for the CLI tests in ${Date.now() - started} ms\n`);
}
