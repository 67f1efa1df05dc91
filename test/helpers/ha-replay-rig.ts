/**
 * The HA pair for replaying the machine: node1 is the node under test, node2 is the
 * peer that holds the lock whenever node1 does not (it is unsealed right after init), so
 * a standby node1 stays standby and every lock event has a real counterpart: node1 takes
 * the lock when node2 steps down, and loses it when cut off from storage, while node2
 * takes over once the lease runs out. Two nodes on memory storage and loopback
 * listeners (ephemeral ports), in virtual time.
 */
import { SimClock } from '../../src/clock/index.ts';
import { LAB_TIMINGS } from '../../src/ha/index.ts';
import { Cluster } from '../../src/lab/index.ts';
import { Ceremony, causeFrom, type Causes, type ReplayRig } from './replay-rig.ts';
import { VaultHttp } from './vault-http.ts';

/**
 * Virtual time let pass after each event: enough for a step-down back-off, an expired
 * lease and a lock retry, so what the node shows afterwards is where it rests, not a
 * moment on the way.
 */
export const SETTLE_MS = LAB_TIMINGS.stepDownBackoffMs + 2 * LAB_TIMINGS.lockTtlMs + LAB_TIMINGS.lockRetryMs + LAB_TIMINGS.leaderCheckMs;

/** Starts the pair, both nodes uninitialized. */
export async function startHaRig(): Promise<ReplayRig> {
  const clock = new SimClock();
  const cluster = await Cluster.start({ nodes: 2, storage: 'memory', basePort: 0, clock, timings: LAB_TIMINGS });
  const self = cluster.get('node1');
  const peer = cluster.get('node2');
  const http = new VaultHttp();
  const ceremony = new Ceremony(http);
  const settle = () => clock.advance(SETTLE_MS);
  const causes: Causes = {
    INITIALIZED: async () => {
      await ceremony.init(self.apiAddr);
      // The peer becomes the lock holder, so node1's unseal leads to standby (as the model says), not straight to active.
      await ceremony.unseal(peer.apiAddr);
    },
    UNSEAL_PROGRESS: () => ceremony.giveShare(self.apiAddr),
    UNSEAL_RESET: () => ceremony.reset(self.apiAddr),
    THRESHOLD_REACHED: () => ceremony.unseal(self.apiAddr),
    UNSEAL_WRONG_SHARES: () => ceremony.giveWrongShares(self.apiAddr),
    SEAL: async (_event, shown) => {
      // Vault seals only an active through the API; a standby is sealed by the lab (an operator's restart).
      if (shown === 'active') await http.must(self.apiAddr, 'PUT', '/v1/sys/seal');
      else if (shown === 'standby') cluster.seal('node1');
      else throw new Error(`no road to SEAL from ${shown}`);
    },
    LOCK_ACQUIRED: async () => void (await http.must(peer.apiAddr, 'PUT', '/v1/sys/step-down')),
    LOCK_LOST: async () => {
      // Renewals fail, so node1 gives the lock up; the peer takes it when the lease runs out; then node1 sees storage again.
      cluster.partitionFromStorage('node1', true);
      await settle();
      cluster.partitionFromStorage('node1', false);
    },
    STEP_DOWN: async () => void (await http.must(self.apiAddr, 'PUT', '/v1/sys/step-down')),
    CRASH: () => cluster.kill('node1'),
    RESTART: async (event) => {
      // Storage initialized while node1 was down: the peer did it (and holds the lock, as after any init).
      if (event.initialized && ceremony.keys.length === 0) {
        await ceremony.init(peer.apiAddr);
        await ceremony.unseal(peer.apiAddr);
      }
      if (!event.initialized && ceremony.keys.length > 0) throw new Error('storage cannot become uninitialized');
      await cluster.restart('node1');
    },
  };
  return {
    addresses: { self: self.apiAddr, peer: peer.apiAddr },
    http,
    cause: causeFrom(causes, settle),
    close: async () => {
      await http.close();
      await cluster.close();
    },
  };
}
