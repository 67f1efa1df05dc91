/** bench/cli-startup.ts still measures what the README quotes: one run of each command against a real lab. */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runNode } from '../helpers/run-cli.ts';

const SCRIPT = fileURLToPath(new URL('../../bench/cli-startup.ts', import.meta.url));

it('times status, status --all and --version from the build against a running lab', async () => {
  const { code, stdout, stderr } = await runNode(['--import', 'tsx', SCRIPT, '--runs=1']);
  expect(code, stderr).toBe(0);
  expect(stdout).toMatch(/against a running 3-node lab/);
  for (const name of ['vaultlab status (build)', 'vaultlab status --all (build)', 'vaultlab --version (build)'])
    expect(stdout).toMatch(new RegExp(`${name.replace(/[()]/g, '\\$&')}\\s+median\\s+\\d+\\s+min\\s+\\d+\\s+max\\s+\\d+`));
}, 120_000);
