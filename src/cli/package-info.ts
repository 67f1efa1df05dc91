/**
 * The package's own folder and manifest, found by walking up from this file: the same code runs
 * from src/cli (tests, tsx) and from dist/src/cli (the build), one level deeper.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding vaultlab's package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

/** The fields of package.json the CLI reads. */
export interface PackageInfo {
  version: string;
  /** The Vault release whose API the lab speaks (src/node's VAULT_VERSION; a test keeps the two equal). */
  vaultApiVersion: string;
}

/** vaultlab's own version and the Vault API version it speaks, without loading the node room. */
export function packageInfo(): PackageInfo {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as PackageInfo;
}
