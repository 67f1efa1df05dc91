/**
 * The ciphers behind the transit engine's key types, here because only src/crypto imports
 * cipher code: aes256-gcm96 on node:crypto (OpenSSL, as the barrier's default engine) and
 * chacha20-poly1305 on @noble/ciphers (node's own chacha20-poly1305 exists, but the lab keeps
 * one audited pure-JS implementation of it). Both take a 32-byte key and a 12-byte nonce and
 * write ciphertext || 16-byte tag, as Go's cipher.AEAD does, so a transit ciphertext is
 * nonce || that, as Vault writes it.
 */
import { randomBytes } from 'node:crypto';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { NodeAead } from './aead.ts';

/** The transit key types whose material is a 32-byte AEAD key. */
export type TransitCipherType = 'aes256-gcm96' | 'chacha20-poly1305';

/** Nonce length of both ciphers (aead.NonceSize() in Go). */
export const TRANSIT_NONCE_BYTES = 12;
const TAG_BYTES = 16;

const gcm = new NodeAead();

/** A fresh random key of `bytes` bytes from the CSPRNG. */
export function randomKey(bytes: number): Uint8Array {
  return new Uint8Array(randomBytes(bytes));
}

/** Seals `plaintext` under a fresh random nonce; returns nonce || ciphertext || tag. */
export function transitSeal(type: TransitCipherType, key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const nonce = randomKey(TRANSIT_NONCE_BYTES);
  if (type === 'aes256-gcm96') return gcm.seal(key, nonce, plaintext, aad, nonce);
  const sealed = chacha20poly1305(key, nonce, aad).encrypt(plaintext);
  const out = new Uint8Array(nonce.length + sealed.length);
  out.set(nonce);
  out.set(sealed, nonce.length);
  return out;
}

/**
 * Opens nonce || ciphertext || tag; undefined when it does not authenticate (a wrong key, a
 * changed byte, other associated data, or fewer bytes than a tag), as Go's Open errors.
 * The caller checks that the input holds at least a nonce.
 */
export function transitOpen(type: TransitCipherType, key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  const nonce = sealed.subarray(0, TRANSIT_NONCE_BYTES);
  const body = sealed.subarray(TRANSIT_NONCE_BYTES);
  if (body.length < TAG_BYTES) return undefined;
  try {
    if (type === 'aes256-gcm96') return gcm.open(key, nonce, body, aad);
    return chacha20poly1305(key, nonce, aad).decrypt(body);
  } catch {
    return undefined;
  }
}
