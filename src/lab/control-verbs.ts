/**
 * The verbs every lab's control endpoint serves the same way, whatever runs its nodes: status,
 * a node's kill, restart and seal, step-down, unseal --all, a fault on a node, heal and down.
 * Each lab says how it does each (the hooks); the paths, the fields a body may carry and their
 * checks are here once, so `vaultlab kill node1` means the same to both kinds of lab.
 */
import { checkFault, checkFields, checkNodeName } from './control-input.ts';
import type { ControlRoute } from './control-http.ts';
import type { LabFault } from './fault-kinds.ts';

/** How one kind of lab carries out the shared verbs. */
export interface VerbHooks<C> {
  names(c: C): string[];
  status(c: C): Promise<unknown>;
  /** A fault on a node, checked already: kill, restart and seal come this way too. */
  fault(c: C, node: string, kind: LabFault, durationMs?: number): Promise<unknown>;
  /** The node that stepped down, or undefined when none was active. */
  stepDown(c: C): Promise<string | undefined>;
  unsealAll(c: C): Promise<unknown>;
  heal(c: C): Promise<unknown>;
  down(c: C): Promise<void>;
}

/** The shared verbs as routes, by path: `/kill` with `{"node":"node1"}`, `/fault` with `{"node","kind","duration_ms"}`. */
export function verbRoutes<C>(h: VerbHooks<C>): Record<string, ControlRoute<C>> {
  const onNode = (kind: 'kill' | 'restart' | 'seal'): ControlRoute<C> => ({
    method: 'POST',
    run: (c, b) => h.fault(c, checkNodeName(checkFields(b, ['node']).node, h.names(c)), kind),
  });
  const bare = (method: 'GET' | 'POST', fn: (c: C) => Promise<unknown>): ControlRoute<C> => ({
    method,
    run: (c, b) => (checkFields(b, []), fn(c)),
  });
  return {
    status: bare('GET', (c) => h.status(c)),
    kill: onNode('kill'),
    restart: onNode('restart'),
    seal: onNode('seal'),
    'step-down': bare('POST', async (c) => ({ node: (await h.stepDown(c)) ?? null })),
    'unseal-all': bare('POST', async (c) => ({ nodes: await h.unsealAll(c) })),
    fault: {
      method: 'POST',
      run: async (c, b) => {
        const f = checkFields(b, ['node', 'kind', 'duration_ms']);
        const r = checkFault(f.node, f.kind, f.duration_ms, h.names(c));
        return h.fault(c, r.node, r.kind, r.durationMs);
      },
    },
    heal: bare('POST', (c) => h.heal(c)),
    down: bare('POST', (c) => h.down(c)),
  };
}
