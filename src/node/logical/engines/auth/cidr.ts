/**
 * CIDR lists of the auth methods, parsed as Vault parses them: token_bound_cidrs through
 * parseutil.ParseAddrs (a bare IP or a CIDR block), secret_id_bound_cidrs and cidr_list
 * through cidrutil.ValidateCIDRListSlice (CIDR blocks only). A login checks the client's
 * address against them (cidrutil.RemoteAddrIsOk / IPBelongsToCIDRBlocksSlice).
 */
import { BlockList, isIP } from 'node:net';
import { BadRequestError } from '../../../errors.ts';

/** '10.0.0.0/8' → its address, prefix and family; undefined when it is not a CIDR block. */
function splitCidr(s: string): { ip: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const v = isIP(ip);
  if (!v || !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > (v === 4 ? 32 : 128)) return undefined;
  return { ip, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** token_bound_cidrs: bare IPs or CIDR blocks; Vault's ParseAddrs error otherwise. */
export function parseAddrs(list: string[]): string[] {
  for (const a of list) {
    if (!isIP(a) && !splitCidr(a))
      throw new BadRequestError(
        `error parsing address ${JSON.stringify(a)}: Unable to convert ${a} to an IPv4 or IPv6 address, or a UNIX Socket`,
      );
  }
  return list;
}

/**
 * secret_id_bound_cidrs and cidr_list: CIDR blocks only (net.ParseCIDR). Vault answers this
 * with a 500 (the handler returns it as an internal error); the lab answers 400 with the same words.
 */
export function parseCidrBlocks(list: string[]): string[] {
  for (const c of list) {
    if (!splitCidr(c)) throw new BadRequestError(`failed to validate CIDR blocks: invalid CIDR address: ${c}`);
  }
  return list;
}

/** Whether `address` (the client's, as the node saw or was told it) falls in any of the blocks or equals any bare IP. */
export function addressAllowed(address: string | undefined, blocks: readonly string[]): boolean {
  if (!blocks.length) return true;
  if (!address) return false;
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
  const addr = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(addr) === 6 ? 'ipv6' : isIP(addr) === 4 ? 'ipv4' : undefined;
  if (!family) return false;
  const list = new BlockList();
  for (const b of blocks) {
    const cidr = splitCidr(b);
    if (cidr) list.addSubnet(cidr.ip, cidr.prefix, cidr.family);
    else if (isIP(b)) list.addAddress(b, isIP(b) === 6 ? 'ipv6' : 'ipv4');
  }
  return list.check(addr, family);
}

/** Whether every CIDR block of `inner` lies inside some block of `outer` (verifyCIDRRoleSecretIDSubset); an empty side restricts nothing. */
export function cidrsWithin(inner: readonly string[], outer: readonly string[] | null): boolean {
  if (!outer?.length || !inner.length) return true;
  return inner.every((c) => {
    const i = splitCidr(c);
    return (
      !!i &&
      outer.some((o) => {
        const b = splitCidr(o);
        if (!b || b.family !== i.family || b.prefix > i.prefix) return false;
        const list = new BlockList();
        list.addSubnet(b.ip, b.prefix, b.family);
        return list.check(i.ip, i.family);
      })
    );
  });
}
