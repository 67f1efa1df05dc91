/** The lab's network: X.509 material for TLS, and the cluster port's mutual-TLS framed channel between standbys and the active. */
export { CertificateAuthority, LOOPBACK_NAMES, selfSigned, type CertificateRequest, type CertifiedKey } from './x509.ts';
export { ClusterClient, type ClusterClientOptions } from './cluster-client.ts';
export { CLUSTER_PROTOCOL, ClusterListener, type ClusterService } from './cluster-server.ts';
