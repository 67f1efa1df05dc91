/**
 * The lab verbs: `up` starts a cluster in this process; the others reach a running lab
 * through its loopback control endpoint (lab-control.ts), found in .vaultlab/lab.json.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { TIMING_PROFILES } from '../ha/index.ts';
import {
  checkFault,
  checkNodeName,
  controlSecretPath,
  LAB_FAULTS,
  parseDurationFlag,
  readLabFile,
  readLabKeys,
  startLab,
  type RunningLab,
} from '../lab/index.ts';
import { labHome } from './client.ts';
import { columnize } from './columnize.ts';
import { checkLocally, control, labNodeNames } from './lab-control.ts';
import { out, outData, parseFormat, UsageError, warn, type Format } from './output.ts';
import { troubleLines } from './trouble-lines.ts';
import { untilSignal } from './server-command.ts';

type Run = (fn: () => Promise<number>) => void;

/** `status --all`: one row per node. */
export async function statusAll(format: Format): Promise<number> {
  const { nodes, trouble } = await control('GET', 'status');
  if (format !== 'table') outData(nodes, format);
  else {
    out(
      columnize(
        ['Node', 'Address', 'Initialized', 'Sealed', 'Unseal Progress', 'HA Mode', 'Active Node', 'Term'],
        nodes.map((n: any) => [n.name, n.address, n.initialized, n.sealed, n.progress, n.haMode, n.activeNode, n.term || '']),
      ),
    );
    troubleLines(trouble).forEach((l) => out(l));
  }
  return 0;
}

function envLines(addr: string, token: string): string {
  return `export VAULT_ADDR='${addr}'\nexport VAULT_TOKEN='${token}'`;
}

/** The flags of `vaultlab up`. */
interface UpOptions {
  nodes: string;
  storage: string;
  sync?: boolean;
  basePort: string;
  sealed?: boolean;
  timings: string;
}

/** Registers the lab verbs. */
export function registerLab(program: Command, run: Run): void {
  registerUp(program, run);
  registerNodeVerbs(program, run);
  registerStepDown(program, run);
  registerUnsealAll(program, run);
  registerFault(program, run);
  program
    .command('heal')
    .description('end every partition, pause and storage fault in the running lab')
    .action(() => run(async () => (await control('POST', 'heal'), out('Success! Healed.'), 0)));
  program
    .command('down')
    .description('stop the running lab')
    .action(() => run(async () => (await control('POST', 'down'), out('Success! The lab is down.'), 0)));
  registerEnv(program, run);
  void parseFormat;
}

/** `up`: starts the lab in this process and serves it until Ctrl-C or `down`. */
function registerUp(program: Command, run: Run): void {
  program
    .command('up')
    .description('start a local HA lab: N nodes on one storage, initialized (5 shares, threshold 3) and unsealed')
    .option('--nodes <n>', 'number of nodes', '3')
    .option('--storage <kind>', 'level (on disk, default) or memory', 'level')
    .option('--sync', 'level: fsync every write before acknowledging it (survives a power cut; slower)')
    .option('--base-port <port>', 'first API port; node i uses base + 10·i', '8200')
    .option('--sealed', 'leave every node sealed (for the unseal lesson)')
    .option(
      '--timings <profile>',
      "lab (1 s lease), vault (Vault's 15 s lease) or consul (Vault on Consul: 15 s TTL kept up to 30 s, then a 15 s lock-delay)",
      'lab',
    )
    .action((o: UpOptions) => run(() => up(o)));
}

async function up(o: UpOptions): Promise<number> {
  if (o.storage !== 'level' && o.storage !== 'memory') throw new UsageError(`--storage must be level or memory, not ${o.storage}`);
  const timings = TIMING_PROFILES[o.timings];
  if (!timings) throw new UsageError(`--timings must be one of ${Object.keys(TIMING_PROFILES).join(', ')}, not ${o.timings}`);
  const home = labHome();
  const lab = await startLab({
    nodes: Number(o.nodes),
    storage: o.storage,
    sync: o.sync,
    basePort: Number(o.basePort),
    sealed: o.sealed,
    home,
    timings,
  });
  printUp(lab, o, home);
  await Promise.race([untilSignal(), lab.closed]);
  await lab.close();
  rmSync(join(home, 'lab.json'), { force: true });
  return 0;
}

/** What `up` says once the lab is up: its nodes, how to reach it, where its keys are. */
function printUp(lab: RunningLab, o: UpOptions, home: string): void {
  const t = lab.cluster.timings;
  out(
    `==> vaultlab: ${lab.cluster.nodes.length}-node HA cluster is up (storage: ${lab.cluster.storageStatus.label}, seal: shamir 5/3, timings: ${o.timings}, lock TTL ${t.lockTtlMs} ms${t.lockDelayMs ? `, lock-delay ${t.lockDelayMs} ms` : ''})`,
  );
  for (const n of lab.cluster.nodes) out(`    ${n.name}  ${n.apiAddr}  ${n.node.state}`);
  lab.cluster.storageStatus.warnings.forEach(warn);
  out('');
  out('You may need to set the following environment variables:');
  out(`    $ export VAULT_ADDR='${lab.cluster.nodes[0].apiAddr}'`);
  out(`    $ export VAULT_TOKEN='${lab.keys.root_token}'        (or: eval "$(vaultlab env)")`);
  out('');
  out(`Unseal Key 1..5 and the Root Token are in ${join(home, 'init.json')}. Lab keys only; never reuse.`);
  if (o.sealed)
    out('Every node is sealed: unseal each with `vaultlab operator unseal -address=...` (3 keys per node), or `vaultlab unseal --all`.');
  out(
    `Lab control: ${lab.control} (its secret is in ${controlSecretPath(home)}). Try: vaultlab status --all, vaultlab kill node1, vaultlab step-down. Ctrl-C stops the lab.`,
  );
}

/** `kill`, `restart`, `seal`: one node each. */
function registerNodeVerbs(program: Command, run: Run): void {
  for (const verb of ['kill', 'restart', 'seal'] as const) {
    program
      .command(verb)
      .argument('<node>', 'node1, node2, ...')
      .description(
        verb === 'kill'
          ? 'stop a node at once, without releasing the HA lock'
          : verb === 'restart'
            ? 'bring a killed node back (sealed)'
            : 'seal a node (any node, standby included)',
      )
      .action((node: string) =>
        run(async () => {
          checkLocally(() => checkNodeName(node, labNodeNames()));
          await control('POST', verb, { node });
          out(`Success! ${verb} ${node}`);
          return 0;
        }),
      );
  }
}

function registerStepDown(program: Command, run: Run): void {
  program
    .command('step-down')
    .description('make the active node step down')
    .action(() =>
      run(async () => {
        const r = await control('POST', 'step-down');
        out(r.node ? `Success! ${r.node} stepped down` : 'No node is active');
        return r.node ? 0 : 2;
      }),
    );
}

function registerUnsealAll(program: Command, run: Run): void {
  program
    .command('unseal')
    .option('--all', 'every sealed node, with the lab keys')
    .description('unseal every sealed lab node with the saved lab keys')
    .action((o: { all?: boolean }) =>
      run(async () => {
        if (!o.all) throw new UsageError('use "vaultlab unseal --all", or "vaultlab operator unseal" for one node');
        await control('POST', 'unseal-all');
        return statusAll('table');
      }),
    );
}

function registerFault(program: Command, run: Run): void {
  program
    .command('fault')
    .argument(
      '<node>',
      "node1, node2, ...; 'storage' for slow-storage, storage-errors and delete-lock; 'active' (or the active node) for step-down",
    )
    .argument('<kind>', LAB_FAULTS.join(' | '))
    .option(
      '--duration <ms>',
      'end the fault by itself after this many milliseconds (kill, pause, partitions, slow-storage, storage-errors)',
    )
    .description('inject a fault into the running lab (vaultlab heal ends them)')
    .action((node: string, kind: string, o: { duration?: string }) =>
      run(async () => {
        const f = checkLocally(() =>
          checkFault(node, kind, o.duration === undefined ? undefined : parseDurationFlag(o.duration), labNodeNames()),
        );
        await control('POST', 'fault', { node: f.node, kind: f.kind, duration_ms: f.durationMs });
        out(`Success! ${f.kind} on ${f.node}${f.durationMs ? ` for ${f.durationMs} ms` : ''}`);
        return 0;
      }),
    );
}

function registerEnv(program: Command, run: Run): void {
  program
    .command('env')
    .description('print export lines for the lab (eval "$(vaultlab env)")')
    .action(() =>
      run(async () => {
        const lab = readLabFile(labHome());
        const keys = readLabKeys(labHome());
        if (!lab || !keys) throw new UsageError('no lab here: run "vaultlab up"');
        out(envLines(lab.nodes[0].apiAddr, keys.root_token));
        return 0;
      }),
    );
}
