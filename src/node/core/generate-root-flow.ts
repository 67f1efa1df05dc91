/**
 * Generate-root (Vault's `vault/generate_root.go`, the standard strategy): a threshold of
 * unseal shares proves authority and the node mints a new root token, handed back only
 * XOR'd with a one-time password (`helper/roottoken`): base64 without padding of
 * otp XOR token, both 28 characters for an `hvs.` token. Without an OTP the node makes one
 * (Vault ≥ 1.10) and shows it once, in the answer that starts the attempt. The attempt lives
 * in this node's memory only; a seal, crash or step-down ends it.
 */
import { combineShares, randomBase62, uuid, wipe, type Barrier } from '../../crypto/index.ts';
import type { Backend } from '../../storage/index.ts';
import { BadRequestError, InternalError } from '../errors.ts';
import type { TokenStore } from '../logical/index.ts';
import { operatorShare } from './operator-share.ts';
import { readSealConfig } from './seal-config.ts';
import { UnsealParts } from './unseal-parts.ts';

/** Vault's TokenLength (24) + TokenPrefixLength (4, `hvs.`). */
export const OTP_LENGTH = 28;

/** `sys/generate-root/attempt`'s body, in Vault's field names. */
export interface GenerateRootStatus {
  nonce: string;
  started: boolean;
  progress: number;
  required: number;
  complete: boolean;
  encoded_token: string;
  encoded_root_token: string;
  pgp_fingerprint: string;
  otp: string;
  otp_length: number;
}

/** What the flow needs of its node. */
export interface GenerateRootHost {
  backend: Backend;
  barrier: Barrier;
  tokens: TokenStore;
  assertActive(): void;
}

/** `base64.RawStdEncoding(otp XOR token)`, as `roottoken.EncodeToken`. */
export function encodeRootToken(token: string, otp: string): string {
  const t = Buffer.from(token, 'utf8');
  const o = Buffer.from(otp, 'utf8');
  if (t.length !== o.length)
    throw new InternalError(`xor of root token failed: length of byte slices is not equivalent: ${o.length} != ${t.length}`);
  return Buffer.from(t.map((b, i) => b ^ o[i]))
    .toString('base64')
    .replace(/=+$/, '');
}

/** One node's root generation attempt. */
export class GenerateRootFlow {
  private attempt: { nonce: string; otp: string; parts: UnsealParts } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: GenerateRootHost) {}

  private turn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async threshold(): Promise<number> {
    const c = await readSealConfig(this.host.backend);
    if (!c) throw new BadRequestError('server is not yet initialized');
    return c.secretThreshold;
  }

  /** `GET sys/generate-root/attempt` (and the answer to a start, with a generated OTP shown once). */
  async status(otp = ''): Promise<GenerateRootStatus> {
    const required = await this.threshold();
    this.host.assertActive();
    const a = this.attempt;
    return {
      nonce: a?.nonce ?? '',
      started: a !== undefined,
      progress: a?.parts.count ?? 0,
      required,
      complete: false,
      encoded_token: '',
      encoded_root_token: '',
      pgp_fingerprint: '',
      otp,
      otp_length: OTP_LENGTH,
    };
  }

  /** `PUT sys/generate-root/attempt`: with the caller's OTP, or one made here. */
  init(req: { otp?: string; pgpKey?: string }): Promise<GenerateRootStatus> {
    return this.turn(async () => {
      if (req.pgpKey) throw new BadRequestError('PGP-encrypted root tokens are not supported by vaultlab');
      const generated = !req.otp;
      const otp = req.otp || randomBase62(OTP_LENGTH);
      if (otp.length !== OTP_LENGTH) throw new BadRequestError('OTP string is wrong length');
      this.host.assertActive();
      if (this.attempt) throw new BadRequestError('root generation already in progress');
      this.attempt = { nonce: uuid(), otp, parts: new UnsealParts() };
      return this.status(generated ? otp : '');
    });
  }

  /** `DELETE sys/generate-root/attempt`. */
  cancel(): Promise<void> {
    return this.turn(async () => {
      this.host.assertActive();
      this.reset();
    });
  }

  /** Forgets the attempt, wiping the shares in hand. */
  reset(): void {
    this.attempt?.parts.reset();
    this.attempt = undefined;
  }

  /** `PUT sys/generate-root/update`: one share; at the threshold, the encoded new root token. */
  update(key: string, nonce: string): Promise<GenerateRootStatus> {
    return this.turn(async () => {
      const part = operatorShare(key);
      const required = await this.threshold();
      this.host.assertActive();
      const a = this.attempt;
      if (!a) throw new BadRequestError('no root generation in progress');
      if (nonce !== a.nonce)
        throw new BadRequestError(`incorrect nonce supplied; nonce for this root generation operation is "${a.nonce}"`);
      if (!a.parts.add(part)) throw new BadRequestError('given key has already been provided during this generation operation');
      const progress = a.parts.count;
      const answer = { ...(await this.status()), nonce, started: true, otp_length: 0 };
      if (progress < required) return answer;
      await this.authenticate(a.parts.take());
      const entry = await this.host.tokens.createRoot();
      const encoded = encodeRootToken(entry.id, a.otp);
      this.reset();
      return { ...answer, progress, complete: true, encoded_token: encoded, encoded_root_token: encoded };
    });
  }

  /** The shares must rebuild the unseal key that opens the stored root key. */
  private async authenticate(parts: Uint8Array[]): Promise<void> {
    let key: Uint8Array | undefined;
    try {
      key = await combineShares(parts).catch((err: Error) => {
        throw new BadRequestError(`failed to compute root key: ${err.message}`);
      });
      if (!(await this.host.barrier.verifyUnsealKey(key)))
        throw new BadRequestError('root generation aborted: unable to authenticate: cipher: message authentication failed');
    } finally {
      wipe(...parts, key);
    }
  }
}
