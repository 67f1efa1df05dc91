/** The lab: the composition root that builds nodes, backends, listeners and clusters. */
export {
  startDevServer,
  startServer,
  type DevServer,
  type EmbeddedStorageConfig,
  type RunningServer,
  type ServerConfig,
} from './single-server.ts';
export type { EtcdStorageConfig } from './etcd-storage.ts';
export type { ListenerTlsFiles } from './listener-tls-files.ts';
export { Cluster, type ClusterOptions } from './cluster.ts';
export { labNodeNames, type LabNode } from './lab-node.ts';
export { Timeline, type TimelineEvent } from './timeline.ts';
export {
  CONTROL_BODY_TIMEOUT_MS,
  CONTROL_MAX_BODY_BYTES,
  startControlServer,
  type ControlServerOptions,
  type LabControls,
} from './control-server.ts';
export { CONTROL_SECRET_FILE, controlSecretPath, dashboardUrl, readControlSecret } from './control-auth.ts';
export { LabEventHub, type StreamMessage } from './lab-events.ts';
export { clusterEvents } from './cluster-events.ts';
export { ControlError, type ControlErrorCode } from './control-errors.ts';
export { checkFault, checkNodeName, MAX_FAULT_MS, parseDurationFlag, type FaultRequest } from './control-input.ts';
export {
  actsOnStorage,
  actsOnEtcd,
  actsOnZone,
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
export { startLab, whyNoActive, type LabOptions, type RunningLab } from './lab-runner.ts';
export { readLabFile, readLabKeys, type LabFile, type LabKeys } from './lab-files.ts';
export type { LabStatus, LockStatus, NodeStatus } from './lab-status.ts';
export type { UnsealOutcome } from './lab-keys.ts';
export { checkUpFlags, topologyNamed, type BalancerChoice, type UpChoice, type UpFlags } from './up-options.ts';
export { balancerPort, controlPort, describePorts, MAX_NODES, nodeApiPort, nodeClusterPort } from './port-plan.ts';
export { balancerAgrees, type LabBalancer, type LabBalancerOptions } from './lab-balancer.ts';
export type { HealthRotation } from './balancer/health-rotation.ts';
export {
  balancerCheck,
  CONNECT_RETRIES,
  DEFAULT_CHECK,
  describeCheck,
  RETRY_TURNAROUND_MS,
  type Balancer,
  type BalancerServerView,
  type BalancerCheck,
  type BalancerKind,
  type BalancerMode,
} from './balancer/index.ts';
export { formatMs, parseGoDuration } from '../net/index.ts';
export { LabFaults } from './lab-faults.ts';
export { labTrouble, type LabTrouble } from './lab-trouble.ts';
export { describeTopology } from './topology-words.ts';
export { cutZone, faultLink, zoneDown, ZONE_DOWN } from './link-faults.ts';
export type { LabNetwork } from './lab-network.ts';
export { watchCluster, type WatchServer } from './watch-server.ts';
export { startProcessLab, type RunningProcessLab } from './processes/process-runner.ts';
export { ETCD_FAULTS, type EtcdFault } from './processes/etcd-fault-words.ts';
export { ProcessLab, type ProcessLabOptions } from './processes/process-lab.ts';
export { watchProcessLab } from './processes/process-watch.ts';
export { nodeCall, nodeMust } from './processes/node-http.ts';
export { unsealProcess, unsealProcesses } from './processes/process-keys.ts';
export { readNodeEventLog, type NodeLogEvent } from './node-event-log.ts';
export { EtcdCluster, parseEtcdUrls } from './etcd/index.ts';
export { freePort } from './balancer/free-port.ts';
export { vaultlabBin } from './processes/vaultlab-bin.ts';
