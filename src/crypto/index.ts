/** Crypto: the barrier (keyring, terms, AES-256-GCM with the path as AAD), Shamir, random ids. */
export * from './barrier.ts';
