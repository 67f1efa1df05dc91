/**
 * `vaultlab tree [PATH]`: the KV hierarchy as tree(1) draws a directory (and safe's `tree`):
 * each mount a root, folders ending in '/', secrets as leaves, sorted, lines printed as the
 * walk reaches them. A folder the token may not list is marked, not fatal.
 */
import type { Command } from 'commander';
import { withClient, type VaultClient } from './client.ts';
import { ADDRESS_HELP, KV_ROOTS_HELP } from './help-texts.ts';
import { listFolder, walkFolder, walkRoots, type WalkEntry } from './kv-walk.ts';
import { out, type Run } from './output.ts';

/** What a folder the token cannot list shows instead of its children. */
const DENIED = ' (permission denied)';

/** One entry's line: the rails of its ancestors, its own branch, its name. */
export function treeLine(e: WalkEntry): string {
  const rails = e.trail.slice(0, -1).map((last) => (last ? '    ' : '│   '));
  const branch = e.trail[e.trail.length - 1] ? '└── ' : '├── ';
  return `${rails.join('')}${branch}${e.name}${e.denied ? DENIED : ''}`;
}

/** "1 folder", "2 secrets". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Prints the trees under PATH (or every KV mount) and the tally, as tree(1) ends with one. */
async function tree(c: VaultClient, path: string | undefined): Promise<number> {
  let folders = 0;
  let secrets = 0;
  for (const { mount, rel } of await walkRoots(c, path)) {
    const listing = await listFolder(c, mount, rel);
    const root = `${mount.path}${rel}`;
    if ('denied' in listing) {
      out(`${root}${DENIED}`);
      continue;
    }
    out(root);
    for await (const e of walkFolder(c, mount, rel, listing)) {
      if (e.kind === 'folder') folders++;
      else secrets++;
      out(treeLine(e));
    }
  }
  out(`\n${count(folders, 'folder')}, ${count(secrets, 'secret')}`);
  return 0;
}

/** Registers `tree`. */
export function registerTree(program: Command, run: Run): void {
  program
    .command('tree')
    .description('draw the KV folders and secrets under a path (default: every KV mount the token can list) as a tree')
    .argument('[path]', KV_ROOTS_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((path: string | undefined, o: { address?: string }) => run(() => withClient(o.address, (c) => tree(c, path))));
}
