/**
 * A server's listener TLS from the files its config names, read and checked before anything
 * starts (a bad file opens no storage and binds no port): the certificate and key must load and
 * match; the client CA is read only when client certificates are required, as Vault reads it.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { ListenerTls, TlsVersionName } from '../api/index.ts';

/** A listener's TLS as a config file gives it: file paths and settings. */
export interface ListenerTlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile?: string;
  minVersion: TlsVersionName;
  requireClientCert: boolean;
  disableClientCerts: boolean;
}

/** A file's contents, or an error naming the setting and the file. */
function readSetting(file: string, setting: string, failure: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new Error(`${failure}: ${setting} ${JSON.stringify(file)}: ${why}`);
  }
}

function clientCa(file: string): Buffer {
  const pem = readSetting(file, 'tls_client_ca_file', 'failed to read tls_client_ca_file');
  try {
    new X509Certificate(pem);
  } catch {
    throw new Error(`failed to parse CA certificate in tls_client_ca_file ${JSON.stringify(file)}`);
  }
  return pem;
}

/** Reads and checks the files; throws an error that names the setting at fault. */
export function loadListenerTls(files: ListenerTlsFiles): ListenerTls {
  const cert = readSetting(files.certFile, 'tls_cert_file', 'error loading TLS cert');
  const key = readSetting(files.keyFile, 'tls_key_file', 'error loading TLS cert');
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new Error(
      `error loading TLS cert: tls_cert_file ${JSON.stringify(files.certFile)} and tls_key_file ${JSON.stringify(files.keyFile)}: ${(e as Error).message}`,
    );
  }
  return {
    cert,
    key,
    minVersion: files.minVersion,
    requireClientCert: files.requireClientCert,
    disableClientCerts: files.disableClientCerts,
    clientCa: files.requireClientCert && files.clientCaFile ? clientCa(files.clientCaFile) : undefined,
  };
}
