/**
 * One Vault node: the core (lifecycle machine, key ceremony, activation) and the logical
 * side (request path, engines, tokens, policies).
 */
export * from './errors.ts';
export * from './logical/request.ts';
export type { SystemView } from './logical/system-view.ts';
export { VaultNode } from './core/vault-node.ts';
export type { UnsealResult } from './core/unseal-flow.ts';
export type { InitRequest, InitResult } from './core/key-ceremony.ts';
export { leafState, nodeMachine, type NodeState, type NodeMachineEvent } from './core/node-machine.ts';
export type { NodeEvent, NodeEventListener } from './core/node-events.ts';
export { VAULT_VERSION } from './version.ts';
export { metricsAnswer, type MetricsSummary } from './telemetry/index.ts';
export type { ClusterIdentity, NodeOptions } from './core/node-options.ts';
export { DEFAULT_HEALTH_CODES, type HealthQuery } from './core/node-status.ts';
export { authorize } from './logical/policy/index.ts';
export type { TokenEntry } from './logical/token/token-entry.ts';
export type { MountEntry } from './logical/mounts.ts';
export { encodeRootToken, OTP_LENGTH } from './core/generate-root-flow.ts';
