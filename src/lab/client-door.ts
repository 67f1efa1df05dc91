/**
 * The lab room's second, light door: what the CLI's lab verbs need to find and reach a
 * running lab (its files, its lock, its control secret, the checks of a verb's input, the
 * fault words, durations) without loading the lab itself (fastify, level). Only files that
 * import nothing heavy may be re-exported here; test/architecture checks it.
 */
export { CONTROL_SECRET_FILE, controlSecretPath, dashboardUrl, readControlSecret } from './control-auth.ts';
export { ControlError, type ControlErrorCode } from './control-errors.ts';
export { checkFault, checkNodeName, MAX_FAULT_MS, parseDurationFlag, type FaultRequest } from './control-input.ts';
export { LAB_FAULTS, type LabFault } from './fault-kinds.ts';
export { ETCD_FAULTS, type EtcdFault } from './processes/etcd-fault-words.ts';
export { formatMs, parseGoDuration } from '../net/words-door.ts';
export {
  busyMessage,
  DATA_DIR,
  ETCD_DIR,
  KEYS_FILE,
  LAB_FILE,
  liveLabPid,
  LOCK_FILE,
  pidAlive,
  PROCESSES_DIR,
  readLabFile,
  readLabKeys,
  readLockPid,
  removeStaleFiles,
  TLS_DIR,
  TOKEN_FILE,
  type LabFile,
  type LabKeys,
} from './lab-files.ts';
export type { BalancerServerStatus, BalancerStatus, LabStatus, LockStatus, NodeStatus, ProcessesStatus } from './lab-status.ts';
export type { LabTrouble } from './lab-trouble.ts';
export type { UnsealOutcome } from './lab-keys.ts';
export { LinkFaultError, parseLinkFaults, type LinkFaults } from '../net/words-door.ts';
