/**
 * The path of one logical request through an active node, in Vault's order:
 * state gate → path checks → token → ACL (with the existence check deciding create
 * vs update) → router (longest-prefix mount) → engine. It reads the node's state;
 * it never sends the lifecycle machine an event.
 */
import { BadRequestError, NoRouteError, PermissionDeniedError } from '../errors.ts';
import type { Engine, EngineRequest } from './engines/engine.ts';
import type { MountEntry } from './mounts.ts';
import { authorize } from './policy/index.ts';
import type { LogicalRequest, Served } from './request.ts';
import type { TokenEntry } from './token/token-entry.ts';
import { revokeLastUse } from './token/token-service.ts';
import type { SystemView } from './system-view.ts';
import { addressAllowed } from './engines/auth/cidr.ts';

/** Paths served without a token (Vault's unauthenticated logical paths). */
const UNAUTHENTICATED = [/^sys\/internal\/ui\/mounts(\/.*)?$/, /^sys\/wrapping\/lookup$/];

/** Chooses the engine that serves a mount. */
export type EngineResolver = (mount: MountEntry) => Engine | undefined;

/** Serves a logical request on an active node. */
export async function handleRequest(sys: SystemView, engines: EngineResolver, req: LogicalRequest): Promise<Served> {
  sys.assertActive();
  checkPath(req);
  const mount = sys.mounts.match(req.path);
  const engine = mount && engines(mount);
  const rel = mount ? req.path.slice(Math.min(mount.path.length, req.path.length)) : '';
  const unauthenticated = UNAUTHENTICATED.some((re) => re.test(req.path)) || !!engine?.unauthenticated?.some((re) => re.test(rel));
  const caller = unauthenticated ? await optionalToken(sys, req.token) : await requireToken(sys, req.token, req.remoteAddress);
  const ereq: EngineRequest | undefined =
    mount && engine ? { ...req, path: rel, mount, storage: sys.view(`logical/${mount.uuid}/`), caller, clock: sys.clock } : undefined;
  const activations = sys.activations();
  if (ereq && engine?.exists && (req.operation === 'create' || req.operation === 'update')) {
    const exists = await engine.exists(ereq);
    if (exists !== undefined) ereq.operation = exists ? 'update' : 'create';
  }
  if (!unauthenticated && caller) {
    const acl = await sys.policies.aclFor(caller.policies);
    if (!authorize(acl, ereq?.operation ?? req.operation, req.path).allowed) throw new PermissionDeniedError(true);
  }
  if (!mount || !engine || !ereq) throw new NoRouteError(req.path);
  // A limited-use token pays before its request runs (atomically: concurrent requests cannot
  // share a use); the request that spends the last one revokes the token once served.
  // Most tokens have no use limit: those skip the per-token lock without an await.
  const use = caller?.numUses ? await sys.tokens.spendUse(caller) : 'unlimited';
  if (use === 'denied') throw new PermissionDeniedError();
  try {
    // Where a lab pause freezes a request that already passed the gate (the Jepsen pause case).
    const held = sys.held();
    if (held) await held;
    // What the existence check read is only this node's to reuse if it stayed the active all along.
    if (sys.activations() !== activations) ereq.existence = undefined;
    const response = await sys.telemetry.time(routeMetric(ereq.operation, mount.path), () => engine.handle(ereq));
    return { response, mountType: mount.type };
  } finally {
    if (use === 'last' && caller) await revokeLastUse(sys, caller);
  }
}

/** Vault's router timer: `vault.route.<operation>.<mount with '/' as '-'>` (vault_route_read_secret_ in Prometheus). */
function routeMetric(op: string, mountPath: string): string {
  return `vault.route.${op}.${mountPath.replaceAll('/', '-')}`;
}

/**
 * The check of the raw sudo endpoints (sys/seal, sys/step-down): the token, ACL and use rules
 * of a logical update of `path`. A last use is revoked before the action, since sealing
 * leaves this node nothing to revoke it with afterwards.
 */
export async function authorizeRootPath(sys: SystemView, token: string | undefined, path: string, remoteAddress?: string): Promise<void> {
  const caller = await requireToken(sys, token, remoteAddress);
  const acl = await sys.policies.aclFor(caller.policies);
  if (!authorize(acl, 'update', path).allowed) throw new PermissionDeniedError(true);
  const use = await sys.tokens.spendUse(caller);
  if (use === 'denied') throw new PermissionDeniedError();
  if (use === 'last') await revokeLastUse(sys, caller);
}

/**
 * Vault refuses relative segments before any ACL check (OpenBao's fix for decoded '..'). An
 * empty segment ('a//b') has no storage key either; refused here, the error says the client's
 * path rather than the storage key it would map to (a mount id, a token's salted hash).
 */
function checkPath(req: LogicalRequest): void {
  const segments = req.path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg === '.' || seg === '..') throw new BadRequestError('relative paths not supported');
    if (seg === '' && i < segments.length - 1) throw new BadRequestError(`invalid path ${JSON.stringify(req.path)}: empty path segment`);
  }
  if ((req.operation === 'create' || req.operation === 'update' || req.operation === 'patch') && req.path.endsWith('/')) {
    throw new BadRequestError("cannot write to a path ending in '/'");
  }
}

/** The caller's live token; one bound to CIDRs (token_bound_cidrs of its auth method) only from an address inside them. */
async function requireToken(sys: SystemView, token: string | undefined, remoteAddress: string | undefined): Promise<TokenEntry> {
  const entry = token ? await sys.tokens.lookup(token) : undefined;
  if (!entry) throw new PermissionDeniedError();
  if (entry.boundCidrs?.length && !addressAllowed(remoteAddress, entry.boundCidrs)) throw new PermissionDeniedError();
  return entry;
}

async function optionalToken(sys: SystemView, token: string | undefined): Promise<TokenEntry | undefined> {
  return token ? sys.tokens.lookup(token) : undefined;
}
