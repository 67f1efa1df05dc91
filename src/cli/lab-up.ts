/**
 * `vaultlab up`: checks every flag, then starts the lab in this process and serves it until
 * Ctrl-C or `vaultlab down`. Loaded only when `up` runs: it pulls in the whole lab
 * (fastify, level), which no other verb needs.
 */
import { join } from 'node:path';
import {
  checkUpFlags,
  controlSecretPath,
  describeCheck,
  describePorts,
  describeTopology,
  formatMs,
  startLab,
  startProcessLab,
  type RunningLab,
  type RunningProcessLab,
  type UpChoice,
} from '../lab/index.ts';
import { labHome } from './client.ts';
import { out, UsageError, warn } from './output.ts';
import { untilSignal } from './server-command.ts';

/** The flags of `vaultlab up`, as typed. */
export interface UpOptions {
  nodes: string;
  storage?: string;
  sync?: boolean;
  basePort: string;
  sealed?: boolean;
  tls?: boolean;
  timings: string;
  lockTtl?: string;
  renewInterval?: string;
  topology?: string;
  lb?: string | true;
  lbInter?: string;
  lbFall?: string;
  lbRise?: string;
  apiAddr?: string;
  processes?: boolean;
  etcd?: string;
}

/** Runs the lab until a signal or `down`; exit 0. */
export async function up(o: UpOptions): Promise<number> {
  let choice: UpChoice;
  try {
    choice = checkUpFlags(o);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const home = labHome();
  if (choice.processes) return upProcesses(choice, o, home);
  if (choice.storage === 'etcd') throw new UsageError('--storage etcd needs --processes');
  const lab = await startLab({ ...choice, storage: choice.storage, sync: o.sync, sealed: o.sealed, tls: o.tls, home });
  if (lab.note) warn(`Note: ${lab.note}`);
  printUp(lab, choice, o, home);
  await Promise.race([untilSignal(), lab.closed]);
  await lab.close();
  return 0;
}

/** The lock line of the banner: the effective lock TTL and renew interval, and the profile they came from. */
function timingWords(lab: RunningLab, choice: UpChoice): string {
  const t = lab.cluster.timings;
  const delay = t.lockDelayMs ? `, lock-delay ${formatMs(t.lockDelayMs)}` : '';
  return `timings: ${choice.profile}, lock TTL ${formatMs(t.lockTtlMs)}, renewed every ${formatMs(t.renewIntervalMs)}${delay}`;
}

/**
 * One line per node: the address clients use, its state, and with a topology its zone and the
 * node's own listener behind its link (what a client bypassing the network would dial).
 */
function printNodes(lab: RunningLab): void {
  const network = lab.cluster.network;
  for (const n of lab.cluster.nodes) {
    const where = network ? `  zone ${n.zone}  (the node's own listener: ${n.api.url})` : '';
    out(`    ${n.name}  ${n.apiAddr}  ${n.node.state}${where}`);
  }
  if (network) {
    out(`    ${describeTopology(network.topology)}`);
    out("    clients use each node's first address: a link with the topology's latency, in front of the node's own listener");
  }
  printBalancer(lab);
}

/** The balancer's lines: where it is, what passes its check, and with HAProxy the config it runs. */
function printBalancer(lab: RunningLab): void {
  const lb = lab.cluster.balancer;
  if (!lb) return;
  const { kind, mode, check } = lb.balancer;
  const who = mode === 'active' ? 'only the active passes' : 'standbys pass too (?standbyok=true) and forward';
  out(
    `    balancer  ${lb.url}  ${kind === 'haproxy' ? 'HAProxy' : 'built-in'}, ${mode}: GET /v1/sys/health, ${describeCheck(check)}; ${who}`,
  );
  if (lb.configFile) out(`    HAProxy runs ${lb.configFile}: the config to take to production, with your nodes' addresses`);
  if (lab.cluster.nodes[0]!.node.apiAddr === lb.url)
    out("    api_addr: every node advertises the balancer, so a standby's 307 sends the client back to it (Vault's redirect loop)");
}

/** What `up` says once the lab is up: its nodes, its ports, how to reach it, where its keys are. */
function printUp(lab: RunningLab, choice: UpChoice, o: UpOptions, home: string): void {
  out(
    `==> vaultlab: ${lab.cluster.nodes.length}-node HA cluster is up (storage: ${lab.cluster.storageStatus.label}, seal: shamir 5/3, ${timingWords(lab, choice)})`,
  );
  printNodes(lab);
  out(`    ${describePorts(choice.basePort, choice.nodes)}`);
  lab.cluster.storageStatus.warnings.forEach(warn);
  printAccess({
    addr: lab.cluster.balancer?.url ?? lab.cluster.nodes[0].apiAddr,
    caFile: lab.caFile,
    token: lab.keys.root_token,
    home,
    sealed: o.sealed,
  });
  out(
    `Lab control: ${lab.control} (its secret is in ${controlSecretPath(home)}). Try: vaultlab status --all, vaultlab kill node1, vaultlab step-down. Ctrl-C stops the lab.`,
  );
  out(`Dashboard: ${lab.control}/ui/ (\`vaultlab ui\` opens it with the lab's secret)`);
}

/** How to reach a lab: the export lines, where its keys are, and (left sealed) how to unseal it. */
function printAccess(a: { addr: string; caFile?: string; token: string; home: string; sealed?: boolean }): void {
  out('');
  out('You may need to set the following environment variables:');
  out(`    $ export VAULT_ADDR='${a.addr}'`);
  if (a.caFile) out(`    $ export VAULT_CACERT='${a.caFile}'`);
  out(`    $ export VAULT_TOKEN='${a.token}'        (or: eval "$(vaultlab env)")`);
  out('');
  out(`Unseal Key 1..5 and the Root Token are in ${join(a.home, 'init.json')}. Lab keys only; never reuse.`);
  if (a.sealed)
    out('Every node is sealed: unseal each with `vaultlab operator unseal -address=...` (3 keys per node), or `vaultlab unseal --all`.');
}

/** `up --processes`: the process lab, served until a signal or `down`. */
async function upProcesses(choice: UpChoice, o: UpOptions, home: string): Promise<number> {
  if (o.tls) throw new UsageError('--tls does not combine with --processes yet: its nodes serve plain HTTP on loopback');
  if (o.sync) throw new UsageError('--sync applies to an in-process level lab; a process lab on level runs without it');
  if (choice.storage === 'memory') throw new UsageError('--storage memory lives inside one process: use etcd with --processes');
  const lab = await startProcessLab({ ...choice, storage: choice.storage, sealed: o.sealed, home });
  if (lab.note) warn(`Note: ${lab.note}`);
  printProcessLab(lab, choice, o, home);
  await Promise.race([untilSignal(), lab.closed]);
  await lab.close();
  return 0;
}

/** What `up --processes` says: each node's process and config, etcd's members, and how to reach the lab. */
function printProcessLab(run: RunningProcessLab, choice: UpChoice, o: UpOptions, home: string): void {
  const { lab } = run;
  const t = lab.timings;
  const store = lab.etcd
    ? `etcd, ${lab.etcd.members.length} members started by the lab`
    : lab.endpoints.length
      ? `etcd at ${lab.endpoints.join(',')}`
      : 'level';
  out(
    `==> vaultlab: ${lab.nodes.length}-node HA cluster is up, one process per node (storage: ${store}; seal: shamir 5/3; timings: ${choice.profile}, lock TTL ${formatMs(t.lockTtlMs)}; ready in ${formatMs(run.readyMs)})`,
  );
  for (const n of lab.nodes) out(`    ${n.o.name}  ${n.o.apiAddr}  pid ${n.pid}  vaultlab server -config=${n.o.configFile}`);
  for (const m of lab.etcd?.members ?? []) out(`    ${m.name}  ${m.clientUrl}  pid ${m.pid}  data ${m.dataDir}`);
  out(
    `    each node's log is beside its config; kill is SIGKILL, fault NODE pause is SIGSTOP, fault etcd MEMBER kill|pause, fault etcd quorum`,
  );
  printAccess({ addr: lab.nodes[0].o.apiAddr, token: run.keys.root_token, home, sealed: o.sealed });
  out(
    `Lab control: ${run.control} (its secret is in ${controlSecretPath(home)}). Try: vaultlab status --all, vaultlab kill node1. Ctrl-C stops the lab.`,
  );
  out(`Dashboard: ${run.control}/ui/ (\`vaultlab ui\` opens it with the lab's secret)`);
}
