/** The lab: the composition root that builds nodes, backends, listeners and clusters. */
export { startDevServer, startServer, type DevServer, type RunningServer, type ServerConfig } from './single-server.ts';
export { Cluster, type ClusterOptions, type LabNode } from './cluster.ts';
export { Timeline, type TimelineEvent } from './timeline.ts';
export { nodeRows, startControlServer, type LabControls, type NodeRow } from './control-server.ts';
export { readLabFile, readLabKeys, startLab, type LabFile, type LabKeys, type LabOptions, type RunningLab } from './lab-runner.ts';
export { LAB_FAULTS, LabFaults, type LabFault } from './lab-faults.ts';
