/** Storage: the Backend and HABackend contracts and their implementations. Imports nothing of ours but the clock. */
export * from './backend.ts';
export * from './errors.ts';
export * from './keys.ts';
