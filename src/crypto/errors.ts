/** Crypto errors carry codes; messages never contain key material. */

/** The code of every crypto error; src/api maps each to one HTTP status. */
export type CryptoErrorCode =
  | 'BARRIER_SEALED'
  | 'CRYPTO_DECRYPT_FAILED'
  | 'BARRIER_UNSEAL_FAILED'
  | 'BARRIER_STORED_KEY_CORRUPT'
  | 'SEAL_CONFIG_INVALID'
  | 'KEY_SHARE_INVALID';

/** Base class of every crypto error. */
export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
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
    super(
      'CRYPTO_DECRYPT_FAILED',
      `failed to decrypt ${detail}: cipher: message authentication failed (the stored value is corrupt, was moved from another path, or was written under another keyring)`,
    );
  }
}

/**
 * The unseal key does not open the stored root key. AES-GCM cannot tell a wrong key from a
 * changed ciphertext (the tag fails either way), so the message names both.
 */
export class BarrierUnsealError extends CryptoError {
  constructor(path: string) {
    super(
      'BARRIER_UNSEAL_FAILED',
      `the unseal key does not decrypt the root key stored at ${path} (cipher: message authentication failed): either the key shares are not this Vault's, or ${path} is corrupt or was written by another barrier`,
    );
  }
}

/**
 * A stored key that cannot be right whatever the unseal key (missing, malformed, or failing
 * under a key that was verified): storage is damaged.
 */
export class CorruptStoredKeyError extends CryptoError {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super('BARRIER_STORED_KEY_CORRUPT', `${detail}: storage is damaged; restore ${path} from a backup of this Vault's storage`);
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
