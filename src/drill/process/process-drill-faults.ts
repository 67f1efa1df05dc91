/**
 * Fires a drill's faults on a process lab, as signals and real stops: kill is SIGKILL (the
 * node comes back after the fault's duration as a new process, sealed, and is unsealed), pause
 * is SIGSTOP then SIGCONT, seal and step-down go to the node's API, and etcd loses its leader,
 * a follower, a named member, or its quorum. Each fault is recorded on and off in the history;
 * one with nothing to act on (no active, a node already down) is skipped and leaves no trace.
 */
import { nodeCall, nodeMust, unsealProcess, type ProcessLab } from '../../lab/index.ts';
import { StorageKeys } from '../../storage/index.ts';
import type { FaultKind, FaultStep } from '../drill-spec.ts';
import type { History } from '../history.ts';

/** The faults a process drill can inject: everything that is a signal, an API call, or etcd's. */
export const PROCESS_FAULT_KINDS: readonly FaultKind[] = [
  'kill',
  'crash-restart',
  'seal',
  'step-down',
  'pause',
  'delete-lock',
  'partition-storage',
  'etcd-kill',
  'etcd-pause',
  'etcd-quorum',
];

/** The faults of one process drill: what is on, and how to heal it. */
export class ProcessDrillFaults {
  private readonly heals = new Map<string, () => Promise<void>>();
  /** The steps that fired (one with nothing to act on did not), as the spec wrote them. */
  readonly fired: FaultStep[] = [];

  constructor(
    private readonly lab: ProcessLab,
    private readonly history: History,
    private readonly keys: readonly string[],
    private readonly token: string,
  ) {}

  /** Applies one fault now and schedules its healing after its duration. */
  async apply(f: FaultStep): Promise<void> {
    const target = await this.pick(f);
    if (target === undefined) return;
    const id = `${f.kind}:${target}`;
    if (this.heals.has(id)) return;
    const heal = await this.fire(f.kind, target);
    if (!heal) return;
    this.fired.push(f);
    this.mark(f.kind, target, true);
    let healed = false;
    const once = async () => {
      if (healed) return;
      healed = true;
      this.heals.delete(id);
      await heal();
      this.mark(f.kind, target, false);
    };
    this.heals.set(id, once);
    setTimeout(() => void once().catch(() => undefined), f.durationMs);
  }

  /** Heals every fault still on. */
  async healAll(): Promise<void> {
    await Promise.all([...this.heals.values()].map((h) => h().catch(() => undefined)));
  }

  /** Whom the fault hits now: a node (active, standby, by name), an etcd member (leader, follower, by name), or etcd whole. */
  private async pick(f: FaultStep): Promise<string | undefined> {
    if (f.kind === 'etcd-quorum' || f.kind === 'delete-lock') return f.target;
    if (f.kind === 'etcd-kill' || f.kind === 'etcd-pause') {
      const etcd = this.lab.etcd!;
      const running = etcd.members.filter((m) => m.state === 'running').map((m) => m.name);
      if (f.target !== 'leader' && f.target !== 'follower') return running.includes(f.target) ? f.target : undefined;
      const leader = await etcd.leader();
      return f.target === 'leader' ? leader : running.find((m) => m !== leader);
    }
    const nodes = this.lab.nodes.filter((n) => n.state === 'running');
    if (f.target !== 'active' && f.target !== 'standby') return nodes.find((n) => n.o.name === f.target)?.o.name;
    const said = await Promise.all(nodes.map((n) => nodeCall(n.o.apiAddr, 'GET', 'sys/leader')));
    const wanted = (i: number) => said[i]?.status === 200 && said[i]!.body.is_self === (f.target === 'active');
    return nodes.find((_, i) => wanted(i))?.o.name;
  }

  /** Starts one fault; resolves with how to end it, or undefined when it did nothing. */
  private async fire(kind: FaultKind, target: string): Promise<(() => Promise<void>) | undefined> {
    const etcd = this.lab.etcd!;
    const node = this.lab.node(target);
    switch (kind) {
      case 'kill':
        await node!.kill();
        return () => node!.start().then(() => this.unseal(target));
      case 'crash-restart':
        await node!.restart();
        return () => this.unseal(target);
      case 'pause':
        node!.pause();
        return async () => node!.resume();
      case 'seal': {
        const r = await nodeCall(node!.o.apiAddr, 'PUT', 'sys/seal', { token: this.token, timeoutMs: 5000 });
        return r?.status === 204 || r?.status === 200 ? () => this.unseal(target) : undefined;
      }
      case 'step-down':
        await nodeMust(node!.o.apiAddr, 'PUT', 'sys/step-down', { token: this.token });
        return async () => undefined;
      case 'delete-lock':
        await this.lab.storage!.delete(StorageKeys.lock);
        return async () => undefined;
      case 'partition-storage':
        this.lab.setEtcdLinkFaults(target, { partition: true });
        return async () => this.lab.setEtcdLinkFaults(target, {});
      case 'etcd-kill':
        await etcd.kill(target);
        return () => etcd.restart(target);
      case 'etcd-pause':
        etcd.pause(target);
        return async () => etcd.resume(target);
      case 'etcd-quorum': {
        const running = etcd.members.filter((m) => m.state === 'running').map((m) => m.name);
        const victims = running.slice(0, Math.floor(etcd.members.length / 2) + 1 - (etcd.members.length - running.length));
        if (victims.length <= 0) return undefined;
        for (const m of victims) await etcd.kill(m);
        return async () => void (await Promise.all(victims.map((m) => etcd.restart(m))));
      }
      default:
        throw new Error(`${kind} cannot be injected into node processes (process drills take ${PROCESS_FAULT_KINDS.join(', ')})`);
    }
  }

  private async unseal(name: string): Promise<void> {
    const node = this.lab.node(name);
    if (node) await unsealProcess(node, this.keys);
  }

  /** On the history for the checker, and on the lab's timeline for a dashboard watching the drill. */
  private mark(name: string, target: string, on: boolean): void {
    const t = Date.now();
    this.history.add({ t, kind: 'fault', name, target, on });
    this.lab.timeline.add({ time: t, node: target, type: 'fault', detail: on ? name : `${name} ends` });
  }
}
