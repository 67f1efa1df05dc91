/** Crypto errors carry codes; messages never contain key material. */

/** Base class of every crypto error. */
export class CryptoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}

/** Any use of a sealed barrier (Vault's ErrBarrierSealed). */
export class BarrierSealedError extends CryptoError {
  constructor() {
    super('BARRIER_SEALED', 'Vault is sealed');
  }
}

/** A value that does not authenticate: flipped, truncated, moved, or of an unknown term. */
export class DecryptError extends CryptoError {
  constructor(detail: string) {
    super('CRYPTO_DECRYPT_FAILED', `failed to decrypt ${detail}: cipher: message authentication failed`);
  }
}

/** The unseal key does not open the stored root key. */
export class BarrierUnsealError extends CryptoError {
  constructor() {
    super('BARRIER_UNSEAL_FAILED', 'cipher: message authentication failed');
  }
}

/** An invalid shares/threshold combination (Vault's SealConfig.Validate messages). */
export class SealConfigError extends CryptoError {
  constructor(message: string) {
    super('SEAL_CONFIG_INVALID', `invalid seal configuration: ${message}`);
  }
}

/** An unseal key that is not valid hex or base64, or of the wrong length. */
export class KeyShareError extends CryptoError {
  constructor(message: string) {
    super('KEY_SHARE_INVALID', message);
  }
}
