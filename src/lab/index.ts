/** The lab: the composition root that builds nodes, backends, listeners and clusters. */
export { startDevServer, startServer, type DevServer, type RunningServer, type ServerConfig } from './single-server.ts';
export { Cluster, type ClusterOptions } from './cluster.ts';
export type { LabNode } from './lab-node.ts';
export { Timeline, type TimelineEvent } from './timeline.ts';
export {
  CONTROL_BODY_TIMEOUT_MS,
  CONTROL_MAX_BODY_BYTES,
  nodeRows,
  startControlServer,
  type ControlServerOptions,
  type LabControls,
  type NodeRow,
} from './control-server.ts';
export { CONTROL_SECRET_FILE, controlSecretPath, readControlSecret } from './control-auth.ts';
export { ControlError, type ControlErrorCode } from './control-errors.ts';
export { checkFault, checkNodeName, MAX_FAULT_MS, parseDurationFlag, type FaultRequest } from './control-input.ts';
export {
  actsOnStorage,
  FAULT_KINDS,
  FAULT_SHAPES,
  faultSettings,
  HEALABLE_FAULTS,
  healedSettings,
  LAB_FAULTS,
  RANDOM_FAULT_KINDS,
  type FaultKind,
  type FaultShape,
  type LabFault,
  type StorageFaultKind,
  type StorageKnobs,
} from './fault-kinds.ts';
export { readLabFile, readLabKeys, startLab, type LabFile, type LabKeys, type LabOptions, type RunningLab } from './lab-runner.ts';
export { LabFaults } from './lab-faults.ts';
export { labTrouble, type LabTrouble } from './lab-trouble.ts';
