/**
 * A failed certificate check, in the words of the Go client the vault CLI is built on:
 * `Get "https://…/v1/sys/seal-status": tls: failed to verify certificate: x509: certificate
 * signed by unknown authority`. Node names the same failures with OpenSSL's codes.
 */

/** OpenSSL's verdicts that Go reports as an unknown authority: no trusted CA signed the chain. */
const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

interface NodeTlsError {
  code?: string;
  host?: string;
  cert?: { subjectaltname?: string };
}

/** The names a certificate is valid for, as Go lists them: its IP SANs for an IP host, else its DNS names. */
function validNames(san: string | undefined, host: string): string {
  const entries = (san ?? '').split(', ').filter(Boolean);
  const ipHost = /^[\d.]+$|:/.test(host);
  const prefix = ipHost ? 'IP Address:' : 'DNS:';
  return entries
    .filter((e) => e.startsWith(prefix))
    .map((e) => e.slice(prefix.length))
    .join(', ');
}

/** Go's x509 message for a Node certificate failure; undefined when `err` is not one. */
export function x509Message(err: unknown): string | undefined {
  const e = (err ?? {}) as NodeTlsError;
  if (!e.code) return undefined;
  if (UNKNOWN_AUTHORITY.has(e.code)) return 'x509: certificate signed by unknown authority';
  if (e.code === 'CERT_HAS_EXPIRED' || e.code === 'CERT_NOT_YET_VALID') return 'x509: certificate has expired or is not yet valid';
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const host = e.host ?? '';
    const names = validNames(e.cert?.subjectaltname, host);
    return names
      ? `x509: certificate is valid for ${names}, not ${host}`
      : `x509: certificate is not valid for any names, but wanted to match ${host}`;
  }
  return undefined;
}

/** Go's url.Error operation: the method with only its first letter capitalised (Get, Put, List). */
function urlOp(method: string): string {
  return method.slice(0, 1).toUpperCase() + method.slice(1).toLowerCase();
}

/** The Go client's whole error for a request whose certificate check failed, or undefined for any other failure. */
export function tlsVerifyFailure(err: unknown, method: string, url: URL): string | undefined {
  const x509 = x509Message(err);
  return x509 && `${urlOp(method)} "${url.href}": tls: failed to verify certificate: ${x509}`;
}
