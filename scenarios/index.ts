/** The shipped failover scenarios, one per file; `vaultlab drill --list` reads this catalogue. */
import type { Scenario } from '../src/drill/scenario.ts';
import killActive from './kill-active.ts';
import lockKeyDeleted from './lock-key-deleted.ts';
import rollingRestart from './rolling-restart.ts';
import sealActive from './seal-active.ts';
import stepDownUnderLoad from './step-down-under-load.ts';
import zombieLeader from './zombie-leader.ts';
import zombieLeaderUnfenced from './zombie-leader-unfenced.ts';

/** Every shipped scenario. */
export const SCENARIOS: Scenario[] = [killActive, sealActive, stepDownUnderLoad, zombieLeader, zombieLeaderUnfenced, rollingRestart, lockKeyDeleted];
