/** Crypto: the barrier (keyring, terms, AES-256-GCM with the path as AAD), Shamir, random ids. */
export * from './barrier.ts';
export { AesGcmBarrier, type BarrierOptions } from './aes-gcm-barrier.ts';
export { BarrierView } from './barrier-view.ts';
export { createAead, NobleAead, NodeAead, type Aead } from './aead.ts';
export * from './errors.ts';
export { Keyring, type KeyTerm } from './keyring.ts';
export { PLAINTEXT_CACHE_LIMIT, type ReadCacheStats } from './plaintext-cache.ts';
export { combineShares, decodeKeyShare, encodeBase64, encodeHex, splitKey, validateSealConfig } from './shamir-seal.ts';
export { newAccessor, newServiceToken, randomBase62, uuid, wipe } from './random.ts';
export { randomKey, TRANSIT_NONCE_BYTES, transitOpen, transitSeal, type TransitCipherType } from './transit-cipher.ts';
