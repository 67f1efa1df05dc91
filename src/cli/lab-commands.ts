/**
 * The lab verbs: `up` starts a cluster in this process; the others reach a running lab
 * through its loopback control endpoint (lab-control.ts), found in .vaultlab/lab.json.
 */
import type { Command } from 'commander';
import {
  checkFault,
  checkNodeName,
  ETCD_FAULTS,
  LAB_FAULTS,
  LinkFaultError,
  parseDurationFlag,
  parseLinkFaults,
  readLabFile,
  readLabKeys,
  type UnsealOutcome,
} from '../lab/client-door.ts';
import { labHome } from './client.ts';
import { openDashboard } from './dashboard-open.ts';
import { down, reset } from './lab-cleanup.ts';
import { checkLocally, control, labNodeNames, runningLab } from './lab-control.ts';
import type { UpOptions } from './lab-up.ts';
import { out, type Run, UsageError } from './output.ts';
import { statusAll } from './status-all-command.ts';

function envLines(addr: string, token: string, caCert?: string): string {
  const lines = [`export VAULT_ADDR='${addr}'`, ...(caCert ? [`export VAULT_CACERT='${caCert}'`] : []), `export VAULT_TOKEN='${token}'`];
  return lines.join('\n');
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
    .description('end every partition, pause, storage fault and link fault in the running lab')
    .action(() => run(async () => (await control('POST', 'heal'), out('Success! Healed.'), 0)));
  program
    .command('down')
    .description('stop the running lab (a lab whose process is gone: remove its stale files)')
    .action(() => run(down));
  program
    .command('reset')
    .option('--force', 'do not ask')
    .description("remove the lab's keys, data and saved token for good (asks first; refused while the lab runs)")
    .action((o: { force?: boolean }) => run(() => reset(o.force === true)));
  registerEnv(program, run);
  registerUi(program, run);
}

/** `up`: starts the lab in this process and serves it until Ctrl-C or `down`. */
function registerUp(program: Command, run: Run): void {
  program
    .command('up')
    .description('start a local HA lab: N nodes on one storage, initialized (5 shares, threshold 3) and unsealed')
    .option('--nodes <n>', 'number of nodes, 1 to 9', '3')
    .option('--storage <kind>', 'level (on disk, the default), memory, or etcd (with --processes, its default)')
    .option(
      '--processes',
      "run each node as its own `vaultlab server -config` process, on a 3-member etcd the lab starts (Debian's etcd-server) or on level with one node",
    )
    .option('--etcd <urls>', 'with --processes: use this running etcd cluster (client URLs, comma-separated) instead of starting one')
    .option('--sync', 'level: fsync every write before acknowledging it (survives a power cut; slower)')
    .option(
      '--base-port <port>',
      'first API port: node i serves on base + 10·(i−1), its cluster port one up, control on base + 9; 0 = any',
      '8200',
    )
    .option('--sealed', 'leave every node sealed (for the unseal lesson)')
    .option('--tls', "serve every node's API over HTTPS, with certificates from a lab CA made for this run (its ca.pem is VAULT_CACERT)")
    .option(
      '--topology <name|file>',
      'put the nodes in zones with latency between them, every connection through a link: local, one-zone, three-zones, or a topology file (JSON or HCL)',
    )
    .option(
      '--timings <profile>',
      "lab (1 s lease), vault (Vault's 15 s lease) or consul (Vault on Consul: 15 s TTL kept up to 30 s, then a 15 s lock-delay)",
      'lab',
    )
    .option('--lock-ttl <duration>', "the HA lock's lease, overriding the profile's (Consul's session_ttl), e.g. 3s")
    .option('--renew-interval <duration>', "how often the active renews its lease, overriding the profile's (default TTL/3), e.g. 500ms")
    .option(
      '--lb [words]',
      "put a load balancer in front on base + 8, checking GET /v1/sys/health: active (the default: only the active takes traffic) or standby-ok; builtin (the default) or haproxy (Debian's, from the config the lab writes), e.g. --lb haproxy,standby-ok",
    )
    .option('--lb-inter <duration>', "how often the balancer checks each node (HAProxy's inter, default 2s)")
    .option('--lb-fall <n>', 'failed checks in a row that take a node out (default 3)')
    .option('--lb-rise <n>', 'passed checks in a row that put a node back (default 2)')
    .option(
      '--api-addr <lb>',
      "lb: every node advertises the balancer as its api_addr, so a standby's 307 points back at it (the redirect loop)",
    )
    .action((o: UpOptions) => run(async () => (await import('./lab-up.ts')).up(o)));
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
          const lab = runningLab();
          checkLocally(() => checkNodeName(node, labNodeNames(lab)));
          await control('POST', verb, { node }, lab);
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
        const { nodes } = (await control('POST', 'unseal-all')) as { nodes: UnsealOutcome[] };
        for (const n of nodes)
          out(`${n.node}: ${n.result}${n.error ? `: ${n.error}` : ''}${n.result === 'down' ? ' (restart it first)' : ''}`);
        out('');
        await statusAll('table');
        return nodes.some((n) => n.result === 'failed') ? 2 : 0;
      }),
    );
}

function registerFault(program: Command, run: Run): void {
  program
    .command('fault')
    .argument(
      '<node>',
      "node1, node2, ...; 'storage' for slow-storage, storage-errors and delete-lock; 'active' (or the active node) for step-down; 'link' or 'zone' for the network's faults; 'etcd' for a process lab's etcd",
    )
    .argument('<kind>', LAB_FAULTS.join(' | '))
    .argument(
      '[words...]',
      'link A B WORDS...: latency=50ms jitter=5ms bandwidth=1mbit partition reset; zone Z down; etcd MEMBER kill|restart|pause, etcd quorum',
    )
    .option(
      '--duration <ms>',
      'end the fault by itself after this many milliseconds (kill, pause, partitions, slow-storage, storage-errors)',
    )
    .description('inject a fault into the running lab (vaultlab heal ends them)')
    .action((node: string, kind: string, words: string[], o: { duration?: string }) =>
      run(async () => {
        if (node === 'link' || node === 'zone') return networkFault(node, kind, words, o.duration);
        if (node === 'etcd') return etcdFault(kind, words, o.duration);
        if (words.length > 0) throw new UsageError(`fault ${node} ${kind} takes no more words, not ${JSON.stringify(words.join(' '))}`);
        const lab = runningLab();
        const f = checkLocally(() =>
          checkFault(node, kind, o.duration === undefined ? undefined : parseDurationFlag(o.duration), labNodeNames(lab)),
        );
        await control('POST', 'fault', { node: f.node, kind: f.kind, duration_ms: f.durationMs }, lab);
        out(`Success! ${f.kind} on ${f.node}${f.durationMs ? ` for ${f.durationMs} ms` : ''}`);
        return 0;
      }),
    );
}

/**
 * `fault link A B WORDS...` and `fault zone Z down`: the words are checked here, before the lab
 * is dialled; the lab checks the ends and the zone against its topology.
 */
async function networkFault(what: 'link' | 'zone', first: string, words: string[], duration?: string): Promise<number> {
  if (duration !== undefined) throw new UsageError(`fault ${what} takes no --duration: vaultlab heal ends it`);
  if (what === 'zone') {
    if (words.length !== 1 || words[0] !== 'down') throw new UsageError(`usage: vaultlab fault zone ZONE down`);
    await control('POST', 'fault-zone', { zone: first, state: 'down' }, runningLab());
    out(`Success! zone ${first} down`);
    return 0;
  }
  const [second, ...faultWords] = words;
  if (second === undefined) throw new UsageError('usage: vaultlab fault link A B WORDS... (A and B: a node, storage or client)');
  try {
    parseLinkFaults(faultWords);
  } catch (e) {
    if (e instanceof LinkFaultError) throw new UsageError(e.message);
    throw e;
  }
  await control('POST', 'fault-link', { from: first, to: second, words: faultWords }, runningLab());
  out(`Success! link ${first}–${second}: ${faultWords.join(' ')}`);
  return 0;
}

/** `fault etcd MEMBER kill|restart|pause` and `fault etcd quorum`: the words are checked here, the member by the lab. */
async function etcdFault(first: string, words: string[], duration?: string): Promise<number> {
  const [member, kind] = first === 'quorum' ? [undefined, 'quorum'] : [first, words[0]];
  const extra = first === 'quorum' ? words : words.slice(1);
  if (kind === undefined || !(ETCD_FAULTS as readonly string[]).includes(kind) || kind === (member ?? '') || extra.length > 0)
    throw new UsageError(
      'usage: vaultlab fault etcd MEMBER kill|restart|pause [--duration MS], or vaultlab fault etcd quorum [--duration MS]',
    );
  const durationMs = duration === undefined ? undefined : checkLocally(() => parseDurationFlag(duration));
  await control('POST', 'fault-etcd', { member, kind, duration_ms: durationMs }, runningLab());
  out(`Success! etcd ${member ? `${kind} on ${member}` : 'quorum lost'}${durationMs ? ` for ${durationMs} ms` : ''}`);
  return 0;
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
        // With a balancer, clients go through it, as they would in production.
        out(envLines(lab.balancer?.url ?? lab.nodes[0].apiAddr, keys.root_token, lab.caCert));
        return 0;
      }),
    );
}

/** `ui`: the running lab's dashboard address (with its secret), opened in a browser where there is one. */
function registerUi(program: Command, run: Run): void {
  program
    .command('ui')
    .description("open the running lab's live dashboard in a browser (or print its address with -print)")
    .option('--print', 'print the address only; do not start a browser')
    .action((o: { print?: boolean }) => run(() => openDashboard(runningLab(), o.print === true)));
}
