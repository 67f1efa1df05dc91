/**
 * TLS in front of a listener, set as Vault's tcp listener sets it: TLS 1.2 at least unless told
 * otherwise, and a client certificate asked for but not required, unless the listener requires
 * and verifies one (then against its client CA, or the system's CAs without one). ALPN offers
 * http/1.1 only: the app behind is Node's HTTP/1.1 server, fed through the LIST shim.
 */
import { createServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';

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

/** The first byte of a TLS handshake record: what every TLS client sends first. */
const TLS_HANDSHAKE_RECORD = 0x16;

/** Go's answer (so Vault's) to plain HTTP on a TLS port, in place of a silent hang-up. */
export const PLAIN_HTTP_ANSWER = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

/**
 * A TLS listener: a net server that looks at each connection's first bytes, answers plain HTTP
 * as Go does, and hands TLS to a node:tls server that never listens itself (it does the
 * handshake, its timeout and client-certificate checks). `onRaw` sees each TCP connection as
 * it arrives (to track it, or refuse it), `onSecure` each connection once its handshake is done.
 */
export function createTlsServer(
  tls: ListenerTls,
  handshakeTimeoutMs: number,
  onRaw: (raw: Socket) => void,
  onSecure: (s: TLSSocket) => void,
): NetServer {
  const tlsServer = createServer(tlsServerOptions(tls, handshakeTimeoutMs), onSecure);
  // A failed handshake (no client certificate, an old TLS version) only ends that connection.
  tlsServer.on('tlsClientError', (_err, sock) => sock.destroy());
  return createNetServer((raw) => {
    onRaw(raw);
    if (raw.destroyed) return;
    // Until its first byte, a connection is a slow client the TLS server cannot time yet.
    if (handshakeTimeoutMs > 0) raw.setTimeout(handshakeTimeoutMs, () => raw.destroy());
    raw.once('data', (first: Buffer) => {
      raw.pause();
      raw.setTimeout(0);
      if (first[0] !== TLS_HANDSHAKE_RECORD) {
        if (/^[A-Z]{3,7} /.test(first.subarray(0, 8).toString('latin1'))) raw.end(PLAIN_HTTP_ANSWER);
        else raw.destroy();
        return;
      }
      // Back into the stream: the TLS socket reads what its net socket already buffered before the handle.
      raw.unshift(first);
      tlsServer.emit('connection', raw);
    });
  });
}
