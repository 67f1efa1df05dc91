/**
 * History events as plain sentences, at times relative to the drill's start: what the story
 * and the witnesses print instead of epoch milliseconds and raw storage paths.
 */
import type { ClusterEvent, Complete, HistoryEvent, Invoke } from './history.ts';

/** A span of clock ms in seconds with two decimals ("1.67 s"), as every drill text writes times. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A time relative to the drill's start ("1.67 s"). */
export function relativeTime(t: number, start: number): string {
  return seconds(t - start);
}

/** What a fault does to its target when it starts, and when it ends ('' when the node's own state change tells it). */
const FAULT_TEXT: Record<string, [on: string, off: string]> = {
  // Healing a kill restarts the node; its state changes then tell that it came back sealed and was unsealed.
  kill: ['{t} was killed', '{t} was restarted'],
  'crash-restart': ['{t} crashed and restarted sealed', ''],
  seal: ['{t} was sealed by the operator', ''],
  'step-down': ['{t} was asked to step down', ''],
  pause: ['{t} paused', '{t} woke up'],
  'partition-storage': ['{t} was cut off from storage', '{t} reached storage again'],
  'partition-peers': ['{t} was cut off from its peers', '{t} reached its peers again'],
  'slow-storage': ['storage slowed down', 'storage was fast again'],
  'storage-errors': ['storage started failing calls', 'storage stopped failing calls'],
  'delete-lock': ["the lock's key was deleted from storage", ''],
  'zone-down': ['zone {t} went dark: its nodes lost their clients, their peers and storage', 'zone {t} came back'],
};

/** The sentence for a fault starting or ending ('' when its end is not worth a sentence). */
export function faultText(e: Extract<ClusterEvent, { kind: 'fault' }>): string {
  const [on, off] = FAULT_TEXT[e.name] ?? [`${e.name} on {t}`, `${e.name} on {t} ended`];
  return (e.on ? on : off).replaceAll('{t}', e.target);
}

/** The sentence for a node's state change ('' for the start-up ones nobody needs told). */
export function stateText(e: Extract<ClusterEvent, { kind: 'state' }>): string {
  if (e.to === 'active') return `${e.node} became active`;
  if (e.to === 'stopped') return `${e.node} went down`;
  if (e.from === 'active') return e.to === 'standby' ? `${e.node} stepped down to standby` : `${e.node} stopped being active (${e.to})`;
  if (e.from === 'stopped') return `${e.node} came back ${e.to}`;
  if (e.from === 'sealed' && e.to === 'standby') return `${e.node} was unsealed (standby)`;
  if (e.from === 'uninitialized') return '';
  return `${e.node} became ${e.to}`;
}

/** The sentence for a lock event ('' for renewals, which happen every few hundred ms). */
export function lockText(e: Extract<ClusterEvent, { kind: 'lock' }>): string {
  switch (e.event) {
    case 'acquired':
      return `${e.node} took the lock (term ${e.term})`;
    case 'expired':
      return `${e.node}'s lease ran out`;
    case 'released':
      return `${e.node} released the lock`;
    case 'lost':
      return `${e.node} lost the lock`;
    default:
      return '';
  }
}

/** Who held each term (from the lock acquisitions), so a write's term names its writer. */
export function termHolders(events: readonly HistoryEvent[]): Map<number, string> {
  const holders = new Map<number, string>();
  for (const e of events) if (e.kind === 'lock' && e.event === 'acquired') holders.set(e.term, e.node);
  return holders;
}

function opText(i: Invoke): string {
  return i.type === 'put' ? `put ${i.key} = ${i.value}` : `get ${i.key}`;
}

function completionText(c: Complete, i: Invoke | undefined): string {
  const what = i ? `client ${i.client}'s ${opText(i)}` : `operation ${c.op}`;
  if (c.kind === 'ok') {
    const got = i?.type === 'get' ? ` read ${c.value ?? 'nothing'}` : '';
    return `${what}: ok${got}${c.version !== undefined ? ` (version ${c.version})` : ''}`;
  }
  const why = c.error ?? (c.status !== undefined ? String(c.status) : '');
  return `${what}: ${c.kind === 'fail' ? 'refused' : 'unknown outcome'}${why ? ` (${why})` : ''}`;
}

/**
 * Any event as one sentence, for witnesses (where every event shown matters).
 * `name` turns storage paths into key names; `holders` names the node behind a term.
 */
export function eventText(
  e: HistoryEvent,
  ctx: { name: (s: string) => string; holders: Map<number, string>; ops: Map<number, Invoke> },
): string {
  const writer = (term?: number, node?: string) => node ?? (term !== undefined ? ctx.holders.get(term) : undefined) ?? 'a node';
  switch (e.kind) {
    case 'invoke':
      return `client ${e.client} sent ${opText(e)} to ${e.node}${e.term ? ` (term ${e.term})` : ''}`;
    case 'ok':
    case 'fail':
    case 'info':
      return completionText(e, ctx.ops.get(e.op));
    case 'state':
      return stateText(e) || `${e.node} became ${e.to}`;
    case 'lock':
      return lockText(e) || `${e.node} renewed its lease (term ${e.term})`;
    case 'fault':
      return faultText(e) || `${e.name} on ${e.target} ended`;
    case 'storageWrite':
      return e.term === undefined
        ? `storage accepted a write without a term to ${ctx.name(e.key)}`
        : `storage accepted ${writer(e.term, e.node)}'s term-${e.term} write to ${ctx.name(e.key)}`;
    case 'fenced':
      return `storage refused ${writer(e.term, e.node)}'s term-${e.term} write to ${ctx.name(e.key)}: a newer term holds the lock`;
    case 'balancer':
      return balancerText(e);
  }
}

/** The sentence for the balancer putting a node in rotation or taking it out. */
export function balancerText(e: Extract<ClusterEvent, { kind: 'balancer' }>): string {
  return e.to === 'up' ? `the balancer put ${e.node} in rotation (${e.check})` : `the balancer took ${e.node} out of rotation (${e.check})`;
}
