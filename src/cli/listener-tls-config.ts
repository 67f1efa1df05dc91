/**
 * A tcp listener's TLS settings, read as Vault reads them: TLS is on unless tls_disable is set,
 * and then tls_cert_file and tls_key_file are required; tls_min_version defaults to tls12; the
 * client CA (tls_client_ca_file) counts only with tls_require_and_verify_client_cert, and
 * tls_disable_client_certs stops even asking for one. The files are read when the server starts.
 */
import { TLS_VERSIONS, type TlsVersionName } from '../api/index.ts';
import type { ListenerTlsFiles } from '../lab/index.ts';
import { UsageError } from './output.ts';

/** A boolean setting written as HCL writes them (true, "true", 1, "1", and their false forms); undefined when absent. */
export function flag(v: unknown, what: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false') return false;
  throw new UsageError(`config: ${what} must be true or false, not ${JSON.stringify(v)}`);
}

function minVersion(v: unknown): TlsVersionName {
  if (v === undefined) return 'tls12';
  if (typeof v === 'string' && Object.hasOwn(TLS_VERSIONS, v)) return v as TlsVersionName;
  throw new UsageError(
    `config: listener "tcp": 'tls_min_version' value ${JSON.stringify(String(v))} not supported, please specify one of [${Object.keys(TLS_VERSIONS).join(',')}]`,
  );
}

function path(v: unknown, what: string): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new UsageError(`config: listener "tcp": ${what} must be a file path, not ${JSON.stringify(v)}`);
  return v;
}

/** The listener's TLS files and settings; undefined when tls_disable is set. */
export function listenerTls(listener: Record<string, unknown>): ListenerTlsFiles | undefined {
  if (flag(listener.tls_disable, 'listener "tcp" tls_disable')) return undefined;
  const certFile = path(listener.tls_cert_file, 'tls_cert_file');
  const keyFile = path(listener.tls_key_file, 'tls_key_file');
  const missing = [certFile ? '' : 'tls_cert_file', keyFile ? '' : 'tls_key_file'].filter(Boolean);
  if (missing.length)
    throw new UsageError(
      `config: listener "tcp": TLS is on (Vault's default), so ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required; or set tls_disable = true`,
    );
  const requireClientCert = flag(listener.tls_require_and_verify_client_cert, 'listener "tcp" tls_require_and_verify_client_cert') ?? false;
  const disableClientCerts = flag(listener.tls_disable_client_certs, 'listener "tcp" tls_disable_client_certs') ?? false;
  if (requireClientCert && disableClientCerts)
    throw new UsageError(
      `config: listener "tcp": 'tls_disable_client_certs' and 'tls_require_and_verify_client_cert' are mutually exclusive`,
    );
  return {
    certFile: certFile!,
    keyFile: keyFile!,
    clientCaFile: path(listener.tls_client_ca_file, 'tls_client_ca_file'),
    minVersion: minVersion(listener.tls_min_version),
    requireClientCert,
    disableClientCerts,
  };
}
