/**
 * vaultlab's token file, $VAULTLAB_HOME/token (mode 0600): the CLI's token helper. `login` and
 * `server -dev` leave a token there and every client verb without VAULT_TOKEN uses it
 * (resolveToken); vaultlab never touches the real ~/.vault-token.
 */
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labHome } from './client.ts';

/** Where the token is kept. */
export function tokenFilePath(): string {
  return join(labHome(), 'token');
}

/** Stores a token: written 0600 to a fresh file then renamed over, so no reader sees it half written or world-readable. */
export function storeToken(token: string): string {
  mkdirSync(labHome(), { recursive: true, mode: 0o700 });
  const file = tokenFilePath();
  const fresh = `${file}.${process.pid}.tmp`;
  writeFileSync(fresh, token, { mode: 0o600, flag: 'wx' });
  renameSync(fresh, file);
  return file;
}

/** Removes the stored token if it is still `token`: a later `login` (or another dev server) keeps its own. */
export function forgetToken(token: string): void {
  const file = tokenFilePath();
  try {
    if (readFileSync(file, 'utf8').trim() === token) unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
