/**
 * The token auth backend at auth/token/: create (plain, orphan, by role), lookup,
 * renew and revoke in their self / by-token / by-accessor forms, accessors, roles.
 * Shapes as Vault returns them; the rules live in token/token-service.ts.
 */
import { BadRequestError, PermissionDeniedError, UnsupportedOperationError, VaultError } from '../../errors.ts';
import type { LogicalResponse } from '../request.ts';
import { StorageKeys } from '../../../storage/index.ts';
import { lookupView, type TokenEntry } from '../token/token-entry.ts';
import { authInfo, createToken, renewToken, revokeOrphan, revokeTree, type TokenRole } from '../token/token-service.ts';
import { durationSeconds, flag, policyList } from '../token/token-params.ts';
import type { SystemView } from '../system-view.ts';
import { getJson, putJson, type Engine, type EngineRequest } from './engine.ts';

/** 403 "bad token" for a lookup of a token that does not exist. */
class BadTokenError extends VaultError {
  constructor() {
    super('PERMISSION_DENIED', 'bad token');
  }
}

/** auth/token/* for one node. */
export class TokenEngine implements Engine {
  constructor(private readonly sys: SystemView) {}

  async exists(req: EngineRequest): Promise<boolean | undefined> {
    // Only roles have an existence check; every other token path is a plain update.
    if (req.path.startsWith('roles/')) return (await this.role(req.path.slice('roles/'.length))) !== undefined;
    return undefined;
  }

  async handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    const caller = req.caller;
    if (!caller) throw new PermissionDeniedError();
    const [head, ...rest] = req.path.split('/');
    const arg = rest.join('/');
    const op = req.operation === 'create' ? 'update' : req.operation;
    const now = this.sys.clock.now();
    switch (`${head} ${op}`) {
      case 'create update':
      case 'create-orphan update': {
        // Only create/<role> names a role; create-orphan takes none (Vault's paths).
        if (arg && head === 'create-orphan') throw new UnsupportedOperationError('unsupported path');
        const role = arg ? await this.role(arg) : undefined;
        if (arg && !role) throw new BadRequestError(`unknown role ${arg}`);
        const privileged = await this.privileged(caller, req.path);
        const { entry, warnings } = await createToken(this.sys, { entry: caller, privileged }, req.data, { orphanPath: head === 'create-orphan', role, path: `auth/token/${req.path}` });
        return { data: null, auth: authInfo(entry, now), warnings };
      }
      case 'lookup-self read':
      case 'lookup-self update':
        return { data: lookupView(caller, now) };
      case 'lookup read':
      case 'lookup update': {
        const id = arg || String(req.data.token ?? '');
        if (!id) throw new BadRequestError('missing token ID');
        const e = await this.sys.tokens.lookup(id);
        if (!e) throw new BadTokenError();
        return { data: lookupView(e, now), warnings: arg ? ['Supplying a token in the URL is insecure; use the request body instead'] : undefined };
      }
      case 'lookup-accessor update':
        return { data: lookupView(await this.byAccessor(arg || req.data.accessor), now, { hideId: true }) };
      case 'renew-self update':
        return { auth: authInfo(await renewToken(this.sys, caller, req.data.increment), now) };
      case 'renew update':
        return { auth: authInfo(await renewToken(this.sys, await this.mustFind(arg || req.data.token, 'token not found'), req.data.increment), now) };
      case 'renew-accessor update':
        return { auth: authInfo(await renewToken(this.sys, await this.byAccessor(arg || req.data.accessor), req.data.increment), now, { hideToken: true }) };
      case 'revoke-self update':
        await revokeTree(this.sys, caller);
        return undefined;
      case 'revoke update': {
        const e = await this.sys.tokens.lookup(String(arg || req.data.token || ''));
        if (e) await revokeTree(this.sys, e);
        return undefined;
      }
      case 'revoke-accessor update':
        await revokeTree(this.sys, await this.byAccessor(arg || req.data.accessor));
        return undefined;
      case 'revoke-orphan update':
        await revokeOrphan(this.sys, await this.mustFind(arg || req.data.token, 'token to revoke not found'));
        return undefined;
      case 'accessors list':
        return this.accessors();
      case 'roles list': {
        const keys = (await this.sys.storage.list(StorageKeys.tokenRolePrefix)).filter((k) => !k.endsWith('/'));
        return keys.length ? { data: { keys } } : undefined;
      }
      case 'roles read': {
        const r = await this.role(arg);
        return r ? { data: { ...r } } : undefined;
      }
      case 'roles update':
        await this.writeRole(arg, req.data);
        return undefined;
      case 'roles delete':
        await this.sys.storage.delete(StorageKeys.tokenRolePrefix + arg);
        return undefined;
      default:
        throw new UnsupportedOperationError('unsupported path');
    }
  }

  private async privileged(caller: TokenEntry, path: string): Promise<boolean> {
    if (caller.policies.includes('root')) return true;
    return (await this.sys.policies.aclFor(caller.policies)).evaluate('update', `auth/token/${path}`).sudo;
  }

  private async mustFind(id: unknown, message: string): Promise<TokenEntry> {
    const e = typeof id === 'string' && id ? await this.sys.tokens.lookup(id) : undefined;
    if (!e) throw new BadRequestError(message);
    return e;
  }

  private async byAccessor(accessor: unknown): Promise<TokenEntry> {
    if (typeof accessor !== 'string' || !accessor) throw new BadRequestError('missing accessor');
    const id = await this.sys.tokens.idForAccessor(accessor);
    const e = id ? await this.sys.tokens.lookup(id) : undefined;
    if (!e) throw new BadRequestError('invalid accessor');
    return e;
  }

  private async accessors(): Promise<LogicalResponse | undefined> {
    const keys: string[] = [];
    for (const h of await this.sys.storage.list(StorageKeys.tokenAccessorPrefix)) {
      const raw = await this.sys.storage.get(StorageKeys.tokenAccessorPrefix + h);
      const e = raw ? await this.sys.tokens.lookup(new TextDecoder().decode(raw)) : undefined;
      if (e) keys.push(e.accessor);
    }
    return keys.length ? { data: { keys: keys.sort() } } : undefined;
  }

  private role(name: string): Promise<TokenRole | undefined> {
    return name ? getJson<TokenRole>(this.sys.storage, StorageKeys.tokenRolePrefix + name) : Promise.resolve(undefined);
  }

  private async writeRole(name: string, d: Record<string, unknown>): Promise<void> {
    if (!name || name.includes('/')) throw new BadRequestError('role name is required');
    const old = await this.role(name);
    const role: TokenRole = {
      name,
      allowed_policies: policyList(d.allowed_policies) ?? old?.allowed_policies ?? [],
      disallowed_policies: policyList(d.disallowed_policies) ?? old?.disallowed_policies ?? [],
      orphan: d.orphan === undefined ? (old?.orphan ?? false) : flag(d.orphan),
      renewable: d.renewable === undefined ? (old?.renewable ?? true) : flag(d.renewable),
      token_period: d.token_period === undefined ? (old?.token_period ?? 0) : durationSeconds(d.token_period, 'token_period'),
      token_explicit_max_ttl: d.token_explicit_max_ttl === undefined ? (old?.token_explicit_max_ttl ?? 0) : durationSeconds(d.token_explicit_max_ttl, 'token_explicit_max_ttl'),
      path_suffix: typeof d.path_suffix === 'string' ? d.path_suffix : (old?.path_suffix ?? ''),
    };
    await putJson(this.sys.storage, StorageKeys.tokenRolePrefix + name, role);
  }
}
