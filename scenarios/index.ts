/** The shipped failover scenarios, one per file; `vaultlab drill --list` reads this catalogue. */
import type { Scenario } from '../src/drill/scenario.ts';
import flappingStorageErrors from './flapping-storage-errors.ts';
import killActive from './kill-active.ts';
import lbFailover from './lb-failover.ts';
import lbStaleStandby from './lb-stale-standby.ts';
import lockKeyDeleted from './lock-key-deleted.ts';
import partitionActiveFromStorage from './partition-active-from-storage.ts';
import redirectLoop from './redirect-loop.ts';
import rollingRestart from './rolling-restart.ts';
import sealActive from './seal-active.ts';
import slowStorage from './slow-storage.ts';
import staleRedirect from './stale-redirect.ts';
import stepDownUnderLoad from './step-down-under-load.ts';
import zombieLeader from './zombie-leader.ts';
import zombieLeaderUnfenced from './zombie-leader-unfenced.ts';
import zoneLoss from './zone-loss.ts';
import etcdLeaderLoss from './etcd-leader-loss.ts';
import etcdQuorumLoss from './etcd-quorum-loss.ts';
import zombieLeaderSigstop from './zombie-leader-sigstop.ts';

/** Every shipped scenario. */
export const SCENARIOS: Scenario[] = [
  killActive,
  sealActive,
  stepDownUnderLoad,
  partitionActiveFromStorage,
  zombieLeader,
  zombieLeaderUnfenced,
  slowStorage,
  flappingStorageErrors,
  rollingRestart,
  lockKeyDeleted,
  zoneLoss,
  staleRedirect,
  lbFailover,
  redirectLoop,
  lbStaleStandby,
  etcdLeaderLoss,
  etcdQuorumLoss,
  zombieLeaderSigstop,
];
