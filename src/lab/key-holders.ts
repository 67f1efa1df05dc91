/**
 * The unseal lesson's key holders: each learner gets a link that shows one share, theirs, and
 * lets them enter it into a node, as the holders of Vault's shares each type their own. A link
 * carries `#holder=<i>.<token>`, the token an HMAC of the share's number under the lab's
 * secret: it proves which share it may see without the secret itself, it is new with every
 * run (the secret is), and a holder can do nothing else: no other share, no lab verb.
 */
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Cluster } from './cluster.ts';
import { secretMatches } from './control-auth.ts';
import { ControlError } from './control-errors.ts';
import { checkFields, checkNodeName } from './control-input.ts';
import { serveEventStream } from './event-stream.ts';
import type { LabEventHub } from './lab-events.ts';

/** The token of key holder `index` (1-based) under the lab's secret. */
export function holderToken(secret: string, index: number): string {
  return createHmac('sha256', secret).update(`vaultlab key holder ${index}`).digest('base64url');
}

/** The link key holder `index` opens. */
export function holderUrl(control: string, secret: string, index: number): string {
  return `${control}/ui/holder.html#holder=${index}.${holderToken(secret, index)}`;
}

/**
 * The key holder a request speaks for (`Authorization: Holder <i>.<token>`), or undefined
 * when it carries no holder credential. A credential that does not check out is refused.
 */
export function holderOf(headers: IncomingHttpHeaders, secret: string, shares: number): number | undefined {
  const given = headers.authorization ?? '';
  if (!/^Holder /i.test(given)) return undefined;
  const m = /^Holder (\d{1,2})\.([A-Za-z0-9_-]{1,64})$/.exec(given);
  const index = Number(m?.[1] ?? 0);
  if (!m || index < 1 || index > shares || !secretMatches(m[2], holderToken(secret, index)))
    throw new ControlError('CONTROL_UNAUTHENTICATED', 'this key holder link is not valid for the running lab: ask for a new one');
  return index;
}

/** What a key holder's requests need of the lab. */
export interface HolderServe {
  cluster: Cluster;
  /** The lab's shares, in order: holder i sees shares[i - 1] only. */
  shares: readonly string[];
  hub: LabEventHub;
  readBody(): Promise<Record<string, unknown>>;
  send(status: number, body: unknown): void;
}

/**
 * What a key holder may do: read the event stream (it holds nothing secret), read their own
 * share, and enter it into a node. Anything else is refused.
 */
export async function serveHolder(h: HolderServe, index: number, method: string, path: string, res: ServerResponse): Promise<void> {
  const share = h.shares[index - 1];
  if (method === 'GET' && path === '/events') return serveEventStream(h.hub, res);
  if (method === 'GET' && path === '/holder') {
    const t = (h.cluster.nodes[0].node.sealStatus() as { t: number }).t;
    return h.send(200, { ok: true, result: { index, shares: h.shares.length, threshold: t, share } });
  }
  if (method === 'POST' && path === '/holder-unseal') {
    const node = checkNodeName(
      checkFields(await h.readBody(), ['node']).node,
      h.cluster.nodes.map((n) => n.name),
    );
    return h.send(200, { ok: true, result: await h.cluster.unsealStep(node, { key: share }) });
  }
  throw new ControlError(
    'CONTROL_FORBIDDEN',
    `a key holder may read the event stream, their share, and enter it into a node; not ${method} ${path}`,
  );
}
