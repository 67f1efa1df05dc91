/**
 * Faults on a process lab, as signals and real stops: a node's kill is SIGKILL and its pause
 * SIGSTOP (ended by SIGCONT), a seal or step-down goes to the node's API with the root token
 * as an operator's would, and the lab's own etcd can lose a member (kill, pause) or its quorum
 * (a majority killed). Each starts now and, with a duration, ends by itself; `heal` ends the
 * healable ones (pauses, the etcd faults; a killed node stays down until restarted). Every
 * request is checked before anything changes, and each goes on the lab's timeline in an
 * in-process lab's words (the processes' signals and exits go there on their own).
 */
import { LinkFaultError, parseLinkFaults } from '../../net/index.ts';
import { StorageKeys } from '../../storage/index.ts';
import { invalidInput } from '../control-errors.ts';
import { ACTIVE_TARGET, checkDurationMs, checkFault } from '../control-input.ts';
import { ETCD_FAULTS } from './etcd-fault-words.ts';
import { nodeMust } from './node-http.ts';
import type { ProcessLab } from './process-lab.ts';

/** The faults of an in-process lab that a process lab has no way to inject (yet), and what to use instead. */
const NOT_HERE: Record<string, string> = {
  'partition-peers': "nodes reach each other over plain loopback in a process lab (only node–etcd links are the lab's)",
  'slow-storage': 'etcd is a real server here: slow one member down with "fault etcd MEMBER pause"',
  'storage-errors': 'etcd is a real server here: take members away with "fault etcd MEMBER kill" or "fault etcd quorum"',
};

/** Starts and heals faults on one process lab. */
export class ProcessFaults {
  private readonly ends = new Map<string, NodeJS.Timeout>();
  /** etcd members this lab's faults killed, which heal brings back. */
  private readonly downMembers = new Set<string>();

  constructor(
    private readonly lab: ProcessLab,
    private readonly token: () => string,
  ) {}

  /** A fault on a node ('active' or the active's name for step-down, 'storage' for delete-lock). */
  async start(node: string, kind: string, durationMs?: number): Promise<void> {
    const names = this.lab.nodes.map((n) => n.o.name);
    const f = checkFault(node, kind, durationMs, names);
    if (Object.hasOwn(NOT_HERE, f.kind)) throw invalidInput(`${f.kind} is not available in a process lab: ${NOT_HERE[f.kind]}`);
    if (f.kind === 'delete-lock') {
      if (!this.lab.storage) throw invalidInput('delete-lock needs etcd storage: a lone level node holds no lock');
      this.record('storage', 'fault', 'delete the lock key');
      await this.lab.storage.delete(StorageKeys.lock);
      return;
    }
    if (f.kind === 'step-down') return void (await this.stepDown(f.node));
    const p = this.lab.node(f.node)!;
    const after = (fn: () => unknown) => this.endAfter(`${f.kind} ${f.node}`, f.durationMs, fn);
    switch (f.kind) {
      case 'kill':
        if (p.state === 'stopped') throw invalidInput(`${f.node} is down: restart it first`);
        this.record(f.node, 'fault', 'kill');
        await p.kill();
        after(() => p.start());
        return;
      case 'restart':
        if (p.state !== 'stopped') throw invalidInput(`${f.node} is up: restart brings back a killed node`);
        this.record(f.node, 'action', 'restart');
        return p.start();
      case 'pause':
        if (p.state === 'stopped') throw invalidInput(`${f.node} is down: restart it first`);
        if (p.state === 'paused') throw invalidInput(`${f.node} is already paused: heal ends the pause`);
        this.record(f.node, 'fault', 'pause');
        p.pause();
        after(() => this.resume(f.node));
        return;
      case 'seal':
        this.record(f.node, 'action', 'seal');
        await nodeMust(p.o.apiAddr, 'PUT', 'sys/seal', { token: this.token() });
        return;
      case 'partition-storage':
        if (!this.lab.storage)
          throw invalidInput('partition-storage cuts a node from etcd: a lone level node has its storage on its own disk');
        this.record(f.node, 'fault', 'partition from storage');
        this.lab.setEtcdLinkFaults(f.node, { partition: true });
        after(() => {
          this.record(f.node, 'fault', 'storage reachable again');
          this.lab.setEtcdLinkFaults(f.node, {});
        });
        return;
    }
  }

  /** `fault link NODE etcd WORDS` (either order): the node's links to etcd take the faults the words name. */
  link(from: unknown, to: unknown, words: unknown): void {
    const names = this.lab.nodes.map((n) => n.o.name);
    const node = from === 'etcd' ? to : from;
    const other = from === 'etcd' ? from : to;
    if (other !== 'etcd' || typeof node !== 'string' || !names.includes(node))
      throw invalidInput(`a process lab's links join a node and etcd: fault link NODE etcd WORDS (nodes: ${names.join(', ')})`);
    if (!this.lab.storage) throw invalidInput('this lab runs on level: there is no link to etcd to fault');
    if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) throw invalidInput('words must be a list of link fault words');
    try {
      this.lab.setEtcdLinkFaults(node, { ...this.lab.etcdLinkFaults(node), ...parseLinkFaults(words) });
      this.record(node, 'fault', `link ${node}–etcd: ${words.join(' ')}`);
    } catch (e) {
      if (e instanceof LinkFaultError) throw invalidInput(e.message);
      throw e;
    }
  }

  /** `sys/step-down` on the active; the node that stepped down, or undefined when none is active. */
  async stepDown(target: string = ACTIVE_TARGET): Promise<string | undefined> {
    const active = await this.lab.active();
    if (target !== ACTIVE_TARGET && active?.o.name !== target)
      throw invalidInput(
        `${target} is not the active node (${active ? `${active.o.name} is` : 'no node is active'}): step-down acts on the active node`,
      );
    if (!active) return undefined;
    this.record(active.o.name, 'action', 'step-down');
    await nodeMust(active.o.apiAddr, 'PUT', 'sys/step-down', { token: this.token() });
    return active.o.name;
  }

  /** A fault on the lab's own etcd: a member's kill, restart or pause, or the loss of its quorum. */
  async etcd(member: unknown, kind: unknown, durationMs?: unknown): Promise<void> {
    const etcd = this.lab.etcd;
    if (!etcd) throw invalidInput('this lab runs on an etcd it did not start (--etcd): fault its members where they run');
    if (typeof kind !== 'string' || !(ETCD_FAULTS as readonly string[]).includes(kind))
      throw invalidInput(`unknown etcd fault ${JSON.stringify(kind)} (one of ${ETCD_FAULTS.join(', ')})`);
    const ms = durationMs === undefined || durationMs === null ? undefined : checkDurationMs(durationMs);
    if (kind === 'quorum') return this.loseQuorum(ms);
    const names = etcd.members.map((m) => m.name);
    if (typeof member !== 'string' || !names.includes(member))
      throw invalidInput(`no etcd member named ${JSON.stringify(member)} in this lab (members: ${names.join(', ')})`);
    const state = etcd.members.find((m) => m.name === member)!.state;
    const after = (fn: () => unknown) => this.endAfter(`etcd ${kind} ${member}`, ms, fn);
    if (kind === 'restart') {
      if (state !== 'stopped') throw invalidInput(`etcd member ${member} is ${state}: restart brings back a killed member`);
      if (ms !== undefined) throw invalidInput('an etcd restart takes no duration');
      this.record('etcd', 'action', `restart ${member}`);
      this.downMembers.delete(member);
      return etcd.restart(member);
    }
    if (state !== 'running') throw invalidInput(`etcd member ${member} is ${state}`);
    this.record('etcd', 'fault', `${kind} ${member}`);
    if (kind === 'kill') {
      await etcd.kill(member);
      this.downMembers.add(member);
      after(() => this.restartMember(member));
      return;
    }
    etcd.pause(member);
    after(() => {
      this.record('etcd', 'fault', `resume ${member}`);
      etcd.resume(member);
    });
  }

  /** Ends the pauses and the etcd faults; killed nodes stay down. */
  async heal(): Promise<void> {
    this.record('lab', 'action', 'heal');
    for (const [key, timer] of this.ends) if (!key.startsWith('kill ')) (clearTimeout(timer), this.ends.delete(key));
    for (const n of this.lab.nodes) if (n.state === 'paused') n.resume();
    for (const n of this.lab.nodes) this.lab.setEtcdLinkFaults(n.o.name, {});
    const etcd = this.lab.etcd;
    for (const m of etcd?.members ?? []) if (m.state === 'paused') etcd!.resume(m.name);
    await Promise.all([...this.downMembers].map((m) => this.restartMember(m)));
  }

  /** Cancels every pending end (the lab is closing). */
  close(): void {
    for (const timer of this.ends.values()) clearTimeout(timer);
    this.ends.clear();
  }

  private async loseQuorum(ms: number | undefined): Promise<void> {
    const etcd = this.lab.etcd!;
    const running = etcd.members.filter((m) => m.state === 'running').map((m) => m.name);
    const majority = Math.floor(etcd.members.length / 2) + 1;
    const up = etcd.members.length - running.length;
    if (up >= majority) throw invalidInput('etcd has lost its quorum already: heal brings it back');
    const victims = running.slice(0, majority - up);
    this.record('etcd', 'fault', `quorum lost: kill ${victims.join(', ')}`);
    for (const m of victims) {
      await etcd.kill(m);
      this.downMembers.add(m);
    }
    this.endAfter('etcd quorum', ms, () => Promise.all(victims.map((m) => this.restartMember(m))));
  }

  private async restartMember(member: string): Promise<void> {
    if (!this.downMembers.delete(member)) return;
    const m = this.lab.etcd?.members.find((x) => x.name === member);
    if (m?.state !== 'stopped') return;
    this.record('etcd', 'action', `restart ${member}`);
    await this.lab.etcd!.restart(member);
  }

  private record(node: string, type: 'fault' | 'action', detail: string): void {
    this.lab.timeline.add({ time: Date.now(), node, type, detail });
  }

  private resume(node: string): void {
    clearTimeout(this.ends.get(`pause ${node}`));
    this.ends.delete(`pause ${node}`);
    this.record(node, 'fault', 'resume');
    this.lab.node(node)?.resume();
  }

  private endAfter(key: string, durationMs: number | undefined, fn: () => unknown): void {
    clearTimeout(this.ends.get(key));
    this.ends.delete(key);
    if (durationMs === undefined) return;
    const timer = setTimeout(() => {
      if (this.ends.get(key) === timer) this.ends.delete(key);
      void Promise.resolve()
        .then(fn)
        .catch(() => undefined);
    }, durationMs);
    this.ends.set(key, timer);
  }
}
