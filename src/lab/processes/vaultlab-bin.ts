/**
 * Where the `vaultlab` command is, so the lab can start each node as `vaultlab server`: the
 * package's bin/vaultlab.js, found by walking up from this module (it runs from src/ under
 * tests and from dist/src/ when built, at different depths).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The absolute path of bin/vaultlab.js. */
export function vaultlabBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const bin = join(dir, 'bin', 'vaultlab.js');
    if (existsSync(bin) && existsSync(join(dir, 'package.json'))) return bin;
    const up = dirname(dir);
    if (up === dir) throw new Error('bin/vaultlab.js not found above the lab module: is vaultlab installed whole?');
    dir = up;
  }
}
