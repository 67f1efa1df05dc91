/** One Vault node: its lifecycle machine, core operations, token store, policies, mounts and engines. */
export * from './errors.ts';
export * from './logical/request.ts';
export { VaultNode, type InitResult } from './core/vault-node.ts';
export { nodeMachine, type NodeState, type NodeMachineEvent, type NodeMachineContext } from './core/node-machine.ts';
export type { NodeEvent, NodeEventListener } from './core/node-events.ts';
export { VAULT_VERSION, BUILD_DATE, type NodeOptions } from './core/node-options.ts';
export type { HealthQuery } from './core/node-status.ts';
export { authorize } from './logical/policy/index.ts';
export type { TokenEntry } from './logical/token/token-entry.ts';
export type { MountEntry } from './logical/mounts.ts';
