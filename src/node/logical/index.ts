/** The logical side of a node: what the core builds and hands requests to (the only door in from src/node/core). */
export * from './request.ts';
export type { SystemView } from './system-view.ts';
export { authorizeRootPath, handleRequest, type EngineResolver } from './request-handler.ts';
export { createEngineResolver } from './engines/registry.ts';
export { MountTable, newMount, requiredMounts, type MountEntry } from './mounts.ts';
export { PolicyStore } from './policy-store.ts';
export { AuditTable } from './audit/audit-table.ts';
export { authorize } from './policy/index.ts';
export { TokenStore } from './token/token-store.ts';
export type { TokenEntry } from './token/token-entry.ts';
export { expireToken } from './token/token-service.ts';
export { ExpirationManager } from './expiration-manager.ts';
export { haMembers, type HaStatusNode } from './ha-members.ts';
