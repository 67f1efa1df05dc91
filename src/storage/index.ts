/** Storage: the Backend and HABackend contracts and their implementations. Imports nothing of ours but the clock. */
export * from './backend.ts';
export * from './errors.ts';
export * from './keys.ts';
export { createBackend, LevelBackend, MemoryBackend, type BackendOptions } from './backends.ts';
export { LevelFamilyBackend, type StorageEvent } from './level-family-backend.ts';
export type { LockEvent } from './lock-table.ts';
export { checkKey, directChildren } from './key-rules.ts';
export { noFaults, StorageLink, type StorageFaults } from './storage-link.ts';
