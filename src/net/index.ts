/** The lab's network: X.509 material for TLS and the cluster port. */
export { CertificateAuthority, LOOPBACK_NAMES, selfSigned, type CertificateRequest, type CertifiedKey } from './x509.ts';
