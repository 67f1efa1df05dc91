/**
 * Storage: the Backend and HABackend contracts, the memory and level backends with their
 * in-process HA lock and fencing, and the fault injectors. The only door into this room;
 * it imports nothing of ours but the clock.
 */
export * from './backend.ts';
export * from './errors.ts';
export * from './keys.ts';
export { checkKey, isValidKey, type KeyRange } from './key-rules.ts';
export type {
  FencedEvent,
  HealthEvent,
  LockEvent,
  LockEventKind,
  StorageEvent,
  StorageListener,
  WriteEvent,
  WriteFailure,
} from './storage-events.ts';
export { AbstractBackend, type AbstractBackendOptions, type KeyCursor } from './abstract-backend.ts';
export { MemoryBackend, type MemoryBackendOptions } from './memory-backend.ts';
export { LevelBackend, type LevelBackendOptions } from './level-backend.ts';
export { createBackend, createEtcdBackend, type BackendKind, type BackendOptions } from './create-backend.ts';
export type { EtcdBackend } from './etcd/etcd-backend.ts';
export { DEFAULT_ETCD_PREFIX, DEFAULT_ETCD_REQUEST_TIMEOUT_MS, type EtcdBackendOptions, type EtcdTls } from './etcd/etcd-options.ts';
export { BackendDecorator, type Gate } from './backend-decorator.ts';
export { LatencyInjector, type LatencySettings } from './latency-injector.ts';
export { ErrorInjector, type ErrorSettings } from './error-injector.ts';
export { PartitionableBackend, type PartitionSwitch } from './partitionable-backend.ts';
export { noFaults, StorageLink, type StorageFaults } from './storage-link.ts';
export { WiredBackend, type StorageWire } from './wire-delay.ts';
export { TimedBackend, type StorageOp, type StorageTimer } from './timed-backend.ts';
