/** A process lab's etcd ports: the port plan's on a first run, and on a later run the ones its data was made with. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { etcdPortsFor, keepEtcdPorts, plannedEtcdPorts } from '../../src/lab/processes/etcd-ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'vaultlab-etcd-ports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('etcd ports', () => {
  it('puts member k in node k’s decade, above its API and cluster ports, and takes free ones with base 0', () => {
    expect(plannedEtcdPorts(8200, 3)).toEqual([8202, 8203, 8212, 8213, 8222, 8223]);
    expect(plannedEtcdPorts(0, 3)).toBeUndefined();
    expect(etcdPortsFor(dir, 8200, 3)).toEqual([8202, 8203, 8212, 8213, 8222, 8223]);
  });

  it('reuses the ports the data was made with, whatever the base port says now', () => {
    keepEtcdPorts(dir, [
      { clientUrl: 'http://127.0.0.1:40001', peerUrl: 'http://127.0.0.1:40002' },
      { clientUrl: 'http://127.0.0.1:40003', peerUrl: 'http://127.0.0.1:40004' },
      { clientUrl: 'http://127.0.0.1:40005', peerUrl: 'http://127.0.0.1:40006' },
    ]);
    expect(etcdPortsFor(dir, 0, 3)).toEqual([40001, 40002, 40003, 40004, 40005, 40006]);
    expect(etcdPortsFor(dir, 8200, 3)).toEqual([40001, 40002, 40003, 40004, 40005, 40006]);
    // A file for another cluster size is not this data's: the plan applies.
    expect(etcdPortsFor(dir, 8200, 1)).toEqual([8202, 8203]);
  });
});
