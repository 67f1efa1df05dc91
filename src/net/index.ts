/** The lab's network: links with latency and faults, X.509 material for TLS and the cluster port, Go durations. */
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
export { TcpLink, type LinkStats, type TcpLinkOptions } from './tcp-link.ts';
export { CertificateAuthority, LOOPBACK_NAMES, selfSigned, type CertificateRequest, type CertifiedKey } from './x509.ts';
