/**
 * The lab's network: links with latency and faults, topologies, X.509 material for TLS, and
 * the cluster port's mutual-TLS framed channel between standbys and the active.
 */
export { formatMs, parseGoDuration } from './go-duration.ts';
export {
  afterHandshake,
  deliverChunk,
  IDLE_DIRECTION,
  isTransparent,
  serialisationTime,
  travelTime,
  type ChunkDelivery,
  type DirectionState,
  type RandomSource,
} from './link-model.ts';
export {
  effectiveLink,
  LinkFaultError,
  NO_DELAY,
  parseBandwidth,
  parseLinkFaults,
  type EffectiveLink,
  type LinkFaults,
  type LinkSettings,
} from './link-settings.ts';
export { PreciseClock } from './precise-clock.ts';
export { TcpLink, type LinkStats, type TcpLinkOptions } from './tcp-link.ts';
export { parseTopology, readTopologyFile, TopologyFileError } from './topology-file.ts';
export {
  endpointNamed,
  linkBetween,
  nodesInZone,
  pairKey,
  placeNodes,
  TOPOLOGY_PRESETS,
  TopologyError,
  topologyPreset,
  type Endpoint,
  type Placement,
  type Topology,
} from './topology.ts';
export { CertificateAuthority, LOOPBACK_NAMES, selfSigned, type CertificateRequest, type CertifiedKey } from './x509.ts';
export { CA_FILE, writeTlsMaterial } from './tls-material.ts';
export { ClusterClient, DEFAULT_KEEPALIVE_TIMEOUT_MS, type ClusterClientOptions } from './cluster-client.ts';
export { CLUSTER_PROTOCOL, ClusterListener, type ClusterService } from './cluster-server.ts';
export { ClusterIdentities, SPARE_IDENTITIES } from './cluster-identities.ts';
