/**
 * `operator generate-root -decode=... -otp=...`: the root token back from what the node sent,
 * on the operator's side, as Vault's CLI does (helper/roottoken): the encoded token is base64
 * (unpadded) of the token XOR'd byte by byte with the OTP. Here, so that the CLI need not load
 * the node room to undo one XOR.
 */

/** The token from an encoded one and its OTP. */
export function decodeRootToken(encoded: string, otp: string): string {
  const raw = Buffer.from(encoded.replace(/=+$/, ''), 'base64');
  const o = Buffer.from(otp, 'utf8');
  if (raw.length !== o.length) throw new Error(`length of byte slices is not equivalent: ${o.length} != ${raw.length}`);
  return Buffer.from(raw.map((b, i) => b ^ o[i])).toString('utf8');
}
