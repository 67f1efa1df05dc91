/** The balancer behaviour suite against Debian's HAProxy, run from the config the lab writes (CI installs the package). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DEFAULT_CHECK, HaproxyBalancer } from '../../src/lab/balancer/index.ts';
import { describeBalancerBehaviour } from './balancer.suite.ts';

describeBalancerBehaviour('haproxy');

it('without HAProxy installed, says how to install it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vaultlab-no-haproxy-'));
  try {
    const start = HaproxyBalancer.start({
      mode: 'active',
      check: DEFAULT_CHECK,
      servers: [{ name: 'node1', host: '127.0.0.1', port: 8200 }],
      listen: { host: '127.0.0.1', port: 0 },
      dir,
      binary: join(dir, 'no-such-haproxy'),
    });
    await expect(start).rejects.toThrow('--lb haproxy needs HAProxy, which is not installed: sudo apt-get install -y haproxy');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
