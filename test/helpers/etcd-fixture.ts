/**
 * A real etcd for a test file: one member started from Debian's binary in beforeAll, killed
 * and its data removed in afterAll, and a fresh key prefix for every backend a test opens,
 * so tests share the server and never each other's keys.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { EtcdCluster } from '../../src/lab/index.ts';
import { createEtcdBackend, type EtcdBackend, type EtcdBackendOptions } from '../../src/storage/index.ts';

/** The etcd of one test file. */
export interface EtcdFixture {
  /** Client URLs, once beforeAll ran. */
  endpoints(): string[];
  /** A backend on a prefix nobody else uses (or on `prefix`, to open the same storage again). */
  open(opts?: Partial<EtcdBackendOptions>): Promise<EtcdBackend>;
  /** A prefix nobody else uses. */
  freshPrefix(): string;
  /** The running cluster. */
  cluster(): EtcdCluster;
}

/** Starts an etcd of `members` members for the calling test file. */
export function useEtcd(members = 1): EtcdFixture {
  let cluster: EtcdCluster | undefined;
  let dir = '';
  let n = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vaultlab-etcd-test-'));
    cluster = await EtcdCluster.start({ members, dir });
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
  const fixture: EtcdFixture = {
    endpoints: () => cluster!.endpoints(),
    freshPrefix: () => `/vaultlab-test/${process.pid}-${n++}/`,
    open: (opts = {}) => createEtcdBackend({ endpoints: fixture.endpoints(), prefix: opts.prefix ?? fixture.freshPrefix(), ...opts }),
    cluster: () => cluster!,
  };
  return fixture;
}
