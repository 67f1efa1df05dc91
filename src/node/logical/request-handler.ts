/**
 * The path of one logical request through an active node, in Vault's order:
 * state gate → path checks → token → ACL (with the existence check deciding create
 * vs update) → router (longest-prefix mount) → engine. It reads the node's state;
 * it never sends the lifecycle machine an event.
 */
import { uuid } from '../../crypto/index.ts';
import { BadRequestError, InternalError, NoRouteError, PermissionDeniedError } from '../errors.ts';
import type { AuditInput } from './audit/audit-entry.ts';
import type { Engine, EngineRequest } from './engines/engine.ts';
import type { MountEntry } from './mounts.ts';
import { authorize } from './policy/index.ts';
import type { LogicalRequest, Operation, Served } from './request.ts';
import type { TokenEntry } from './token/token-entry.ts';
import { revokeLastUse } from './token/token-service.ts';
import type { UseOutcome } from './token/token-store.ts';
import type { SystemView } from './system-view.ts';
import { addressAllowed } from './engines/auth/cidr.ts';

/** Paths served without a token (Vault's unauthenticated logical paths). */
const UNAUTHENTICATED = [/^sys\/internal\/ui\/mounts(\/.*)?$/, /^sys\/wrapping\/lookup$/];

/** Chooses the engine that serves a mount. */
export type EngineResolver = (mount: MountEntry) => Engine | undefined;

/** What a request gathered on its way through the checks: what its audit entries show. */
interface Passage extends AuditInput {
  ereq?: EngineRequest;
  engine?: Engine;
  /** What paying one use of a limited-use token came to. */
  use?: UseOutcome;
  /** The node's activation count before the existence check read anything. */
  activations?: number;
}

/**
 * Serves a logical request on an active node. With an audit device enabled, the request
 * entry is written once the caller passed the checks and before anything is served: if no
 * device can write it the request fails with Vault's 500 and is not served. A refused
 * request is audited with its error; the response entry follows the answer.
 */
export async function handleRequest(sys: SystemView, engines: EngineResolver, req: LogicalRequest): Promise<Served> {
  sys.assertActive();
  checkPath(req);
  // The one check a request pays while no device is enabled: no id, no entry is built.
  const audit = sys.audit.active ? sys.audit : undefined;
  const p: Passage = { id: audit ? uuid() : '', request: req, operation: req.operation };
  try {
    await authorizeRequest(sys, engines, p);
  } catch (err) {
    audit?.logRequest(p, requestError(err));
    audit?.logResponse(p, undefined, errorText(err));
    throw err;
  }
  try {
    if (audit && !audit.logRequest(p)) throw new AuditFailure();
    const served = await serve(sys, p);
    if (audit && !audit.logResponse(p, served.response)) throw new AuditFailure();
    if (audit) served.requestId = p.id;
    return served;
  } catch (err) {
    if (audit && !(err instanceof AuditFailure)) audit.logResponse(p, undefined, errorText(err));
    throw err;
  } finally {
    if (p.use === 'last' && p.caller) await revokeLastUse(sys, p.caller);
  }
}

/** No device could write a request's entry: Vault's ErrInternalError, in the multierror text its HTTP layer sends. */
class AuditFailure extends InternalError {
  constructor() {
    super('1 error occurred:\n\t* internal error\n\n');
  }
}

/** The token, the route, the existence check, the ACL and the token's use, in Vault's order. */
async function authorizeRequest(sys: SystemView, engines: EngineResolver, p: Passage): Promise<void> {
  const req = p.request;
  const mount = sys.mounts.match(req.path);
  const engine = mount && engines(mount);
  p.mount = mount;
  const rel = mount ? req.path.slice(Math.min(mount.path.length, req.path.length)) : '';
  // An engine names its own unauthenticated paths (an auth method's login, Vault's PathsSpecial).
  const unauthenticated = UNAUTHENTICATED.some((re) => re.test(req.path)) || !!engine?.unauthenticated?.some((re) => re.test(rel));
  p.caller = unauthenticated ? await optionalToken(sys, req.token) : await requireToken(sys, req.token, req.remoteAddress);
  p.ereq =
    mount && engine
      ? { ...req, path: rel, mount, storage: sys.view(`logical/${mount.uuid}/`), caller: p.caller, clock: sys.clock }
      : undefined;
  p.engine = engine;
  p.activations = sys.activations();
  if (p.ereq && engine?.exists && (req.operation === 'create' || req.operation === 'update')) {
    const exists = await engine.exists(p.ereq);
    if (exists !== undefined) p.ereq.operation = exists ? 'update' : 'create';
  }
  p.operation = p.ereq?.operation ?? req.operation;
  if (!unauthenticated && p.caller) {
    const acl = await sys.policies.aclFor(p.caller.policies);
    p.allowed = authorize(acl, p.operation, req.path).allowed;
    if (!p.allowed) throw new PermissionDeniedError(true);
  }
  // A limited-use token pays before its request runs (atomically: concurrent requests cannot
  // share a use); the request that spends the last one revokes the token once served.
  // Most tokens have no use limit: those skip the per-token lock without an await.
  p.use = p.caller?.numUses ? await sys.tokens.spendUse(p.caller) : 'unlimited';
  if (p.use === 'denied') throw new PermissionDeniedError();
}

/** Routes an authorized request to its engine. */
async function serve(sys: SystemView, p: Passage): Promise<Served> {
  const { ereq, engine, mount } = p;
  if (!mount || !engine || !ereq) throw new NoRouteError(p.request.path);
  // Where a lab pause freezes a request that already passed the gate (the Jepsen pause case).
  const held = sys.held();
  if (held) await held;
  // What the existence check read is only this node's to reuse if it stayed the active all along.
  if (sys.activations() !== p.activations) ereq.existence = undefined;
  const response = await sys.telemetry.time(routeMetric(ereq.operation, mount), () => engine.handle(ereq));
  return { response, mountType: mount.type };
}

/** The error of a refused request's entry: Vault logs the check's own error there (ErrPermissionDenied's text). */
function requestError(err: unknown): string {
  return err instanceof PermissionDeniedError ? 'permission denied' : errorText(err);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Vault's router timer: `vault.route.<operation>.<mount with '/' as '-'>` (vault_route_read_secret_ in Prometheus). */
function routeMetric(op: Operation, mount: MountEntry): string {
  // Named once per mount and operation, not per request: the request path is benchmarked.
  let names = ROUTE_METRICS.get(mount);
  if (!names) ROUTE_METRICS.set(mount, (names = {}));
  return (names[op] ??= `vault.route.${op}.${mount.path.replaceAll('/', '-')}`);
}

/** Route timer names by mount entry (a WeakMap: a disabled mount's names go with it). */
const ROUTE_METRICS = new WeakMap<MountEntry, Partial<Record<Operation, string>>>();

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

async function requireToken(sys: SystemView, token: string | undefined, remoteAddress: string | undefined): Promise<TokenEntry> {
  const entry = token ? await sys.tokens.lookup(token) : undefined;
  if (!entry) throw new PermissionDeniedError();
  // A token bound to CIDRs (token_bound_cidrs) works only from inside them.
  if (entry.boundCidrs?.length && !addressAllowed(remoteAddress, entry.boundCidrs)) throw new PermissionDeniedError();
  return entry;
}

async function optionalToken(sys: SystemView, token: string | undefined): Promise<TokenEntry | undefined> {
  return token ? sys.tokens.lookup(token) : undefined;
}
