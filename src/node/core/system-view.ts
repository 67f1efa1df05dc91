/** The SystemView a node's logical requests get. */
import type { Clock } from '../../clock/index.ts';
import type { Barrier } from '../../crypto/index.ts';
import type { HaStatusNode, SystemView } from '../logical/index.ts';
import type { RequestGate } from './request-gate.ts';

/** What a node's SystemView is made of; the functions are called per request, so they see the node as it is then. */
export interface SystemViewParts {
  stores: Pick<SystemView, 'tokens' | 'mounts' | 'policies' | 'expiration' | 'audit'>;
  telemetry: SystemView['telemetry'];
  clock: Clock;
  barrier: Barrier;
  gate: RequestGate;
  activations: () => number;
  haMembers: () => HaStatusNode[];
}

/** The view a logical request gets: the stores behind the barrier, the clock, and the gate's answers. */
export function nodeSystemView(parts: SystemViewParts): SystemView {
  const { barrier, gate } = parts;
  return {
    ...parts.stores,
    clock: parts.clock,
    storage: barrier,
    view: (prefix) => barrier.view(prefix),
    assertActive: () => gate.assertActive(),
    held: () => gate.held(),
    activations: parts.activations,
    haMembers: parts.haMembers,
    keyring: { rotate: () => barrier.rotate(), status: () => barrier.keyStatus() },
    telemetry: parts.telemetry,
  };
}
