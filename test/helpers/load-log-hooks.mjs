// Module hooks (they run on the loader thread): each resolved URL is appended to the log file.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (process.env.VAULTLAB_LOAD_LOG) appendFileSync(process.env.VAULTLAB_LOAD_LOG, `${result.url}\n`);
  return result;
}
