/** One Vault node: its lifecycle machine, core operations, token store, policies, mounts and engines. */
export * from './errors.ts';
export * from './request.ts';
export { VaultNode, type InitResult } from './vault-node.ts';
export { nodeMachine, type NodeState, type NodeMachineEvent, type NodeMachineContext } from './node-machine.ts';
export type { NodeEvent, NodeEventListener } from './node-events.ts';
export { VAULT_VERSION, BUILD_DATE, type NodeOptions } from './node-options.ts';
export type { HealthQuery } from './node-status.ts';
export { authorize } from './policy/index.ts';
export { authorizeRootPath } from './request-handler.ts';
export type { TokenEntry } from './token/token-entry.ts';
export type { MountEntry } from './mounts.ts';
