/** Runs the Backend and HABackend contracts on the memory and the level backend. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, type HABackend } from '../../src/storage/index.ts';
import { backendSuite } from './backend.suite.ts';
import { haBackendSuite } from './ha-backend.suite.ts';

backendSuite('memory', async () => {
  const backend = await createBackend('memory');
  return { backend, dispose: () => backend.close() };
});

backendSuite('level', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vaultlab-level-'));
  const backend = await createBackend('level', { path: dir });
  return { backend, dispose: async () => (await backend.close(), await rm(dir, { recursive: true, force: true })) };
});

haBackendSuite('memory', async (clock) => {
  const backend = await createBackend('memory', { clock });
  return { backend, dispose: () => backend.close() };
});

haBackendSuite('level', async (clock) => {
  const dir = await mkdtemp(join(tmpdir(), 'vaultlab-level-'));
  let current: HABackend = await createBackend('level', { path: dir, clock });
  return {
    backend: current,
    reopen: async () => {
      await current.close();
      current = await createBackend('level', { path: dir, clock });
      return current;
    },
    dispose: async () => (await current.close(), await rm(dir, { recursive: true, force: true })),
  };
});
