/**
 * The lab's X.509 material, made with @peculiar/x509 on Node's WebCrypto (ECDSA keys made
 * by OpenSSL): a self-signed certificate (what an active makes for its term's cluster port,
 * as Vault makes a P-521 one) and a small CA that issues server certificates (`up --tls`).
 * Every key leaves as PKCS#8 PEM and every certificate as PEM, which node:tls takes as is.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type * as X509 from '@peculiar/x509';

let library: Promise<typeof X509> | undefined;

/**
 * The X.509 library, loaded on first use (about 110 ms): a lab without TLS or a cluster port
 * never pays it, and one with a cluster port starts loading it when the port is bound, well
 * before a node becomes active and needs its first certificate.
 */
export function loadX509(): Promise<typeof X509> {
  return (library ??= (async () => {
    // @peculiar/x509 resolves its parsers through tsyringe, which needs the Reflect metadata API first.
    await import('reflect-metadata/lite');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as never);
    return x509;
  })());
}

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** A certificate and its private key, both PEM. */
export interface CertifiedKey {
  cert: string;
  key: string;
}

/** What a certificate is for and whom it names. */
export interface CertificateRequest {
  commonName: string;
  /** Subject alternative names: IP addresses (127.0.0.1, ::1) and DNS names (localhost). */
  altNames?: string[];
  /** How long it is valid (default 1 year). */
  validDays?: number;
  /** The curve of its key: Vault's cluster certificates are P-521; P-256 handshakes faster (default). */
  curve?: 'P-256' | 'P-384' | 'P-521';
}

const HASH_OF_CURVE = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' } as const;

/** The names 127.0.0.1, ::1 and localhost: what every lab listener is reached by. */
export const LOOPBACK_NAMES = ['127.0.0.1', '::1', 'localhost'];

/** A self-signed certificate usable by both ends of a mutual-TLS connection (server and client auth). */
export async function selfSigned(req: CertificateRequest): Promise<CertifiedKey> {
  const x509 = await loadX509();
  const alg = algorithm(req.curve);
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    ...validity(req.validDays),
    serialNumber: serial(),
    name: `CN=${req.commonName}`,
    keys: keys as CryptoKeyPair,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(altNames(req.altNames ?? LOOPBACK_NAMES)),
    ],
  });
  return { cert: cert.toString('pem'), key: await privatePem(keys.privateKey) };
}

/** A certificate authority that signs the certificates it issues. */
export class CertificateAuthority {
  private constructor(
    /** The CA's certificate, PEM: what clients trust (VAULT_CACERT). */
    readonly cert: string,
    private readonly issuer: X509.X509Certificate,
    private readonly signingKey: CryptoKey,
    private readonly curve: CertificateRequest['curve'],
  ) {}

  /** A new CA with a fresh key. */
  static async create(commonName: string, validDays = 3650, curve: CertificateRequest['curve'] = 'P-256'): Promise<CertificateAuthority> {
    const x509 = await loadX509();
    const alg = algorithm(curve);
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      ...validity(validDays),
      serialNumber: serial(),
      name: `CN=${commonName}`,
      keys,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new CertificateAuthority(cert.toString('pem'), cert, keys.privateKey, curve);
  }

  /** Issues a server (and client) certificate for `req`'s names, signed by this CA. */
  async issue(req: CertificateRequest): Promise<CertifiedKey> {
    const x509 = await loadX509();
    const alg = algorithm(req.curve ?? this.curve);
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      ...validity(req.validDays),
      serialNumber: serial(),
      subject: `CN=${req.commonName}`,
      issuer: this.issuer.subject,
      publicKey: keys.publicKey,
      signingKey: this.signingKey,
      signingAlgorithm: algorithm(this.curve),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension(altNames(req.altNames ?? LOOPBACK_NAMES)),
        await x509.AuthorityKeyIdentifierExtension.create(this.issuer),
      ],
    });
    return { cert: cert.toString('pem'), key: await privatePem(keys.privateKey) };
  }
}

function algorithm(curve: CertificateRequest['curve'] = 'P-256'): webcrypto.EcKeyGenParams & webcrypto.EcdsaParams {
  return { name: 'ECDSA', namedCurve: curve, hash: HASH_OF_CURVE[curve] };
}

function validity(days = 365): { notBefore: Date; notAfter: Date } {
  // An hour back, so a clock a little behind still accepts a certificate made just now.
  const now = Date.now();
  return { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + days * 86_400_000) };
}

/** A positive 16-byte serial (RFC 5280 allows up to 20 octets; the top bit clear keeps it positive). */
function serial(): string {
  const b = randomBytes(16);
  b[0]! &= 0x7f;
  return b.toString('hex');
}

function altNames(names: string[]): X509.JsonGeneralName[] {
  return names.map((value) => ({ type: isIP(value) ? 'ip' : 'dns', value }));
}

async function privatePem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}
