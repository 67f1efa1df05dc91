/**
 * Clients that ask any node and follow a redirect themselves, as Vault's Go client does
 * (api/client.go): it follows a 301, 302 or 307 once, to the Location the standby named,
 * and hands a second redirect back unfollowed. The standby names the active it last saw,
 * so during a failover the Location can point at a node that has just died: the follow then
 * meets a refused connection. Both drill transports (in process and over HTTP) go through
 * `followOnce`, so both record the same client's view.
 */
import type { Cluster, LabNode } from '../lab/index.ts';
import type { FollowedRedirect } from './history.ts';

/** The statuses Vault's Go client follows. */
const REDIRECT_STATUSES: ReadonlySet<number | string | undefined> = new Set([301, 302, 307]);

/** One hop's answer: a status, and the Location when it is a redirect. */
interface Hop {
  status?: number | string;
  location?: string;
}

/** What a client saw of its request beyond the answer: filled in as it happens, so a timeout still keeps it. */
export interface ClientView {
  redirect?: FollowedRedirect;
}

/** True when the hop was a redirect with somewhere to go. */
export function isRedirect(h: Hop): h is Hop & { location: string } {
  return REDIRECT_STATUSES.has(h.status) && typeof h.location === 'string';
}

/** The node of the drill whose api_addr a Location names (same scheme, host and port). */
function nodeAt(cluster: Cluster, location: string): LabNode | undefined {
  const origin = originOf(location);
  return origin === undefined ? undefined : cluster.nodes.find((n) => originOf(n.apiAddr) === origin);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The error a client gets when nothing listens at `address` (what Node's sockets report). */
export function connectionRefused(address: string): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
}

function isRefused(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ECONNREFUSED';
}

/**
 * Asks the first node (or the balancer at `asked`); when it redirects, follows the Location
 * once and records where it led in `view` (before the follow, so a follow that never answers
 * still shows it), and whether it named the address asked, the redirect loop. A redirect
 * from the second hop is returned as it came: the caller decides what an unfollowed one means.
 */
export async function followOnce<A extends Hop>(
  cluster: Cluster,
  view: ClientView,
  ask: () => Promise<A>,
  follow: (location: string, to: LabNode | undefined) => Promise<A>,
  asked?: string,
): Promise<A> {
  const first = await ask();
  if (!isRedirect(first)) return first;
  const to = nodeAt(cluster, first.location);
  const loop = asked !== undefined && originOf(first.location) === originOf(asked);
  const seen: FollowedRedirect = { to: to?.name ?? first.location, refused: false, ...(loop && { loop }) };
  view.redirect = seen;
  try {
    return await follow(first.location, to);
  } catch (err) {
    if (isRefused(err)) seen.refused = true;
    throw err;
  }
}
