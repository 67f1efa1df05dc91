/**
 * The parts one node is made of, wired once: the timed storage and barrier, the stores behind
 * the barrier, the SystemView its logical requests get, the key ceremony, the activation and
 * the engines. VaultNode binds them to its lifecycle machine; nothing here holds state.
 */
import type { Clock } from '../../clock/index.ts';
import type { Barrier } from '../../crypto/index.ts';
import {
  AuditTable,
  createEngineResolver,
  ExpirationManager,
  expireToken,
  MountTable,
  PolicyStore,
  TokenStore,
  type EngineResolver,
  type HaStatusNode,
  type SystemView,
} from '../logical/index.ts';
import type { NodeTelemetry } from '../telemetry/index.ts';
import { Activation } from './activation.ts';
import { GenerateRootFlow } from './generate-root-flow.ts';
import { KeyCeremony } from './key-ceremony.ts';
import { KeyOperations } from './key-operations.ts';
export type { KeyOperations };
import { RekeyFlow } from './rekey-flow.ts';
import { instrumentNode } from './node-metrics.ts';
import type { NodeState } from './node-machine.ts';
import type { NodeOptions } from './node-options.ts';
import type { RequestGate } from './request-gate.ts';
import { nodeSystemView } from './system-view.ts';

/** What the parts read of the node that owns them, when they need it. */
export interface NodeHooks {
  clock: Clock;
  gate: RequestGate;
  state: () => NodeState;
  haMembers: () => HaStatusNode[];
}

/** A node's parts. */
export interface NodeParts {
  telemetry: NodeTelemetry;
  barrier: Barrier;
  system: SystemView;
  ceremony: KeyCeremony;
  activation: Activation;
  engines: EngineResolver;
  keys: KeyOperations;
}

/** Builds the parts of the node `opts` describes. */
export function buildNodeParts(opts: NodeOptions, hooks: NodeHooks): NodeParts {
  const { clock, gate } = hooks;
  const { telemetry, backend, barrier } = instrumentNode(opts, hooks.state);
  const stores = {
    tokens: new TokenStore(barrier, clock),
    mounts: new MountTable(barrier),
    policies: new PolicyStore(barrier),
    audit: new AuditTable(barrier, clock),
    expiration: new ExpirationManager(clock, (hash) => expireToken(system, hash)),
  };
  const activation = new Activation({
    barrier,
    ...stores,
    clock,
    readCache: opts.readCache !== false,
    advertise: { apiAddr: opts.apiAddr, clusterAddr: opts.clusterAddr },
    makeClusterIdentity: opts.makeClusterIdentity,
  });
  const system: SystemView = nodeSystemView({
    stores,
    clock,
    barrier,
    gate,
    activations: () => activation.changes,
    haMembers: hooks.haMembers,
    telemetry,
  });
  const ceremony = new KeyCeremony({ backend, barrier, ...stores });
  const assertActive = () => gate.assertActive();
  const keys = new KeyOperations(
    new RekeyFlow({ backend, barrier, assertActive, configChanged: (c) => ceremony.adoptConfig(c) }),
    new GenerateRootFlow({ backend, barrier, tokens: stores.tokens, assertActive }),
  );
  return { telemetry, barrier, system, ceremony, activation, engines: createEngineResolver(system), keys };
}
