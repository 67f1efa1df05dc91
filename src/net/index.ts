/** The lab's network: X.509 material for TLS and the cluster port, Go durations. */
export { formatMs, parseGoDuration } from './go-duration.ts';
export { CertificateAuthority, LOOPBACK_NAMES, selfSigned, type CertificateRequest, type CertifiedKey } from './x509.ts';
