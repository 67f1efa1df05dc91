/**
 * TLS in front of a listener, set as Vault's tcp listener sets it: TLS 1.2 at least unless told
 * otherwise, and a client certificate asked for but not required, unless the listener requires
 * and verifies one (then against its client CA, or the system's CAs without one). ALPN offers
 * http/1.1 only: the app behind is Node's HTTP/1.1 server, fed through the LIST shim.
 */
import { createServer, type Server, type TLSSocket, type TlsOptions } from 'node:tls';
import type { Socket } from 'node:net';

/** Vault's TLS versions by their config names (tls_min_version). */
export const TLS_VERSIONS = { tls10: 'TLSv1', tls11: 'TLSv1.1', tls12: 'TLSv1.2', tls13: 'TLSv1.3' } as const;

/** A config name of a TLS version. */
export type TlsVersionName = keyof typeof TLS_VERSIONS;

/** A listener's TLS, its PEM material already read from the files the config names. */
export interface ListenerTls {
  cert: string | Buffer;
  key: string | Buffer;
  /** Vault's tls_min_version (default tls12). */
  minVersion?: TlsVersionName;
  /** Vault's tls_require_and_verify_client_cert: a client without a certificate the CA signed is refused at the handshake. */
  requireClientCert?: boolean;
  /** Vault's tls_client_ca_file, read: whom client certificates must chain to (used only when they are required). */
  clientCa?: string | Buffer;
  /** Vault's tls_disable_client_certs: no client certificate is even asked for. */
  disableClientCerts?: boolean;
}

/** node:tls's options for `tls`. */
export function tlsServerOptions(tls: ListenerTls, handshakeTimeoutMs: number): TlsOptions {
  const require = tls.requireClientCert === true;
  return {
    cert: tls.cert,
    key: tls.key,
    minVersion: TLS_VERSIONS[tls.minVersion ?? 'tls12'],
    ALPNProtocols: ['http/1.1'],
    // Vault asks every client for a certificate (Go's RequestClientCert) and checks it only when required.
    requestCert: !tls.disableClientCerts,
    rejectUnauthorized: require,
    ca: require ? tls.clientCa : undefined,
    // A client that never finishes its handshake is a slow client: it gets the read-header timeout.
    handshakeTimeout: handshakeTimeoutMs > 0 ? handshakeTimeoutMs : undefined,
  };
}

/**
 * A TLS server: `onRaw` sees each TCP connection as it arrives (to track it, or refuse it
 * before any handshake), `onSecure` each connection once its handshake is done.
 */
export function createTlsServer(
  tls: ListenerTls,
  handshakeTimeoutMs: number,
  onRaw: (raw: Socket) => void,
  onSecure: (s: TLSSocket) => void,
): Server {
  const server = createServer(tlsServerOptions(tls, handshakeTimeoutMs), onSecure);
  server.on('connection', onRaw);
  // A failed handshake (no client certificate, an old TLS version, plain HTTP) only ends that connection.
  server.on('tlsClientError', (_err, sock) => sock.destroy());
  return server;
}
